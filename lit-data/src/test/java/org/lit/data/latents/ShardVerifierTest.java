package org.lit.data.latents;

import org.lit.data.CapturedLog;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardVerifierTest extends LocalDirTest {
    private Optional<ShardRecord> verified(int partition) throws IOException {
        return ShardVerifier.verified(fs(), dir(), partition);
    }

    @Test
    void anIntactShardIsVerifiedWithTheRecordItsWriterReturned() throws IOException {
        TestLatents.Inputs in = TestLatents.inputs(3, 6, 9);
        ShardRecord written = new ShardWriter(fs(), dir(), LatentDType.FLOAT16, TestLatents.SHAPE_ARRAY, 3).write(3, in.mean(), in.std(), in.labels(), in.files(), in.skipped());
        assertEquals(Optional.of(written), verified(3));
        assertEquals("shard-00003.safetensors", written.name());
        assertEquals(Files.size(tmp.resolve("shard-00003.safetensors")), written.bytes());
        long[] perClass = new long[3];
        for (long l : in.labels()) perClass[(int) l]++;
        assertEquals(List.of(perClass[0], perClass[1], perClass[2]), written.countPerClass());
        assertEquals(in.skipped(), written.skipped());
        try (Stream<java.nio.file.Path> files = Files.list(tmp)) {
            assertEquals(List.of("shard-00003.safetensors", "shard-00003.safetensors.complete"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary files or .crc sidecars left");
        }
        assertEquals(Optional.empty(), verified(2), "a partition never written");
    }

    @Test
    void changedBytesOrLengthFailVerificationWithAWarningNamingTheShardAndWhy() throws IOException {
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 4, 4, 4);
        java.nio.file.Path shard1 = tmp.resolve("shard-00001.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(shard1.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 1);                                  // one bit of one latent
        }
        try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("shard-00002.safetensors").toFile(), "rw")) {
            f.setLength(f.length() - 1);
        }
        try (CapturedLog warnings = new CapturedLog(ShardVerifier.class)) {
            assertTrue(verified(0).isPresent());
            assertEquals(Optional.empty(), verified(1));
            assertEquals(Optional.empty(), verified(2));
            assertEquals(2, warnings.messages().size(), warnings.messages().toString());
            String bits = warnings.messages().get(0), length = warnings.messages().get(1);
            assertTrue(bits.contains("shard-00001.safetensors") && bits.contains("SHA-256") && bits.contains("differs from its completion record"), bits);
            long size = Files.size(tmp.resolve("shard-00002.safetensors"));
            assertTrue(length.contains("shard-00002.safetensors") && length.contains(size + " bytes, its completion record says " + (size + 1)), length);
        }
    }

    @Test
    void aShardWithoutCompletionRecordCountsAsMissingAndARewriteRestoresIt() throws IOException {
        List<TestLatents.Inputs> inputs = TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 4, 3);
        Files.delete(tmp.resolve("shard-00001.safetensors.complete"));
        Files.delete(tmp.resolve("shard-00000.safetensors"));
        try (CapturedLog warnings = new CapturedLog(ShardVerifier.class)) {
            assertEquals(Optional.empty(), verified(1));
            assertEquals(List.of(), warnings.messages(), "a shard without a record never finished: no warning");
            assertEquals(Optional.empty(), verified(0));
            assertTrue(warnings.messages().get(0).contains("shard-00000.safetensors") && warnings.messages().get(0).contains("missing, though its completion record exists"), warnings.messages().toString());
        }
        TestLatents.Inputs in = inputs.get(1);
        ShardRecord again = new ShardWriter(fs(), dir(), LatentDType.FLOAT16, TestLatents.SHAPE_ARRAY, 3).write(1, in.mean(), in.std(), in.labels(), in.files(), in.skipped());
        assertEquals(Optional.of(again), verified(1));
        assertEquals(3, again.count());
    }
}
