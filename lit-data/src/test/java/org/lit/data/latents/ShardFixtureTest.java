package org.lit.data.latents;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.io.Sha256;
import org.lit.data.HadoopFiles;
import org.lit.data.SkippedFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The committed fixture src/test/resources/latents/fixture/ (index.json and one float16 shard of
 * two samples of [4, 2, 2]) is what tools/reference/read_shard.py was run on, the way
 * safetensors parses a file. This test writes the same inputs again and asserts the very same
 * bytes, so the format PyTorch users read cannot drift unnoticed.
 * Regenerate (after an intended format change): -Dlit.fixtures.regenerate=true.
 */
class ShardFixtureTest {
    private static final String FIXTURE = "/latents/fixture/";
    @TempDir
    java.nio.file.Path tmp;

    /** Fixed inputs: values that float16 rounds, a source path with a space and a non-ASCII letter. */
    static void writeFixture(java.nio.file.Path out) throws IOException {
        Path dir = new Path(out.toUri());
        FileSystem fs = HadoopFiles.fileSystem(dir, new Configuration());
        float[] mean = new float[2 * 2 * 4 * 2 * 2], std = new float[mean.length];
        for (int k = 0; k < mean.length; k++) {
            mean[k] = k * 0.1f - 3.2f;
            std[k] = 0.01f * (k + 1);
        }
        List<String> files = List.of("train/n01443537/n01443537_10007.JPEG", "train/n01440764/caf\u00e9 1.JPEG");
        List<SkippedFile> skipped = List.of(new SkippedFile("train/n01440764/broken.JPEG", "corrupt JPEG: premature end of data"));
        ShardRecord r = new ShardWriter(fs, dir, LatentDType.FLOAT16, new int[] {4, 2, 2}, 2).write(0, mean, std, new long[] {1, 0}, files, skipped);
        LatentIndex.of(16, List.of(4, 2, 2), LatentDType.FLOAT16, 0.18215, new LatentIndex.VaeFile("diffusion_pytorch_model.safetensors", Sha256.of("vae".getBytes(StandardCharsets.UTF_8))),
                List.of("n01440764", "n01443537"), List.of(r)).write(fs, dir);
        Files.delete(out.resolve("shard-00000.safetensors.complete"));   // the reader needs only the index; keep the fixture to what Python reads
    }

    private static byte[] committed(String name) throws IOException {
        try (InputStream in = ShardFixtureTest.class.getResourceAsStream(FIXTURE + name)) {
            assertNotNull(in, "fixture " + FIXTURE + name);
            return in.readAllBytes();
        }
    }

    @Test
    void theWriterWritesExactlyTheCommittedFixture() throws IOException {
        if (Boolean.getBoolean("lit.fixtures.regenerate")) writeFixture(java.nio.file.Path.of("src/test/resources" + FIXTURE));
        writeFixture(tmp);
        for (String name : List.of("shard-00000.safetensors", "index.json")) {
            byte[] again = Files.readAllBytes(tmp.resolve(name));
            assertEquals(Sha256.of(committed(name)), Sha256.of(again), name + " (SHA-256)");
            assertArrayEquals(committed(name), again, name);
        }
        String header = new String(committed("shard-00000.safetensors"), 8, 300, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"files\":\"[\\\"train/n01443537/n01443537_10007.JPEG\\\",\\\"train/n01440764/caf\u00e9 1.JPEG\\\"]\"},"
                + "\"mean\":{\"dtype\":\"F16\",\"shape\":[2,2,4,2,2],\"data_offsets\":[0,128]}", header.substring(0, header.indexOf(",\"std\"")));
    }

    @Test
    void theReaderReadsTheCommittedFixture() throws Exception {
        java.nio.file.Path dir = Files.createDirectories(tmp.resolve("committed"));
        for (String name : List.of("shard-00000.safetensors", "index.json")) Files.write(dir.resolve(name), committed(name));
        try (LatentShards shards = LatentShards.open(dir.toUri().toString())) {
            assertEquals(2, shards.size());
            assertEquals(1, shards.label(0));
            Sample s = shards.read(1);
            assertEquals(0, s.label());
            // row 1 of mean starts at element 32: 32 * 0.1 - 3.2 = 0 (float: 2.4e-7, which float16 keeps as 2.38e-7)
            assertEquals(LatentDType.FLOAT16.stored(32 * 0.1f - 3.2f), s.mean()[0]);
            assertEquals(LatentDType.FLOAT16.stored(0.01f * 64), s.std()[31]);
            assertEquals("train/n01440764/caf\u00e9 1.JPEG", shards.sourceFile(1));
            assertEquals(List.of(new SkippedFile("train/n01440764/broken.JPEG", "corrupt JPEG: premature end of data")), shards.index().skipped());
        }
    }
}
