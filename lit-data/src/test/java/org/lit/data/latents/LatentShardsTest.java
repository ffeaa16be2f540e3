package org.lit.data.latents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.lit.core.io.TensorFileException;
import org.lit.data.SkippedFile;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatentShardsTest extends LocalDirTest {
    /** Every sample read back equals the input stored in dtype (exactly: float16 rounding of the input, or the input). */
    static void assertSamplesEqualInputs(LatentShards shards, List<TestLatents.Inputs> inputs, LatentDType dtype) {
        int i = 0;
        for (TestLatents.Inputs in : inputs) {
            for (int r = 0; r < in.n(); r++, i++) {
                Sample s = shards.read(i);
                assertEquals(i, s.index());
                assertEquals(in.labels()[r], s.label(), "label of sample " + i);
                assertEquals(in.labels()[r], shards.label(i));
                assertArrayEquals(TestLatents.stored(dtype, in.mean(), r * TestLatents.ROW, TestLatents.ROW), s.mean(), "mean of sample " + i);
                assertArrayEquals(TestLatents.stored(dtype, in.std(), r * TestLatents.ROW, TestLatents.ROW), s.std(), "std of sample " + i);
            }
        }
        assertEquals(i, shards.size());
    }

    @Test
    void float16RoundTripGivesTheInputRoundedToHalfWithLabelsAndSourcePaths() throws IOException {
        List<TestLatents.Inputs> inputs = TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 5, 0, 4);
        try (LatentShards shards = LatentShards.open(tmp.toUri().toString())) {
            assertEquals(9, shards.size());
            assertSamplesEqualInputs(shards, inputs, LatentDType.FLOAT16);
            float[] exact = Arrays.copyOfRange(inputs.get(0).mean(), 0, TestLatents.ROW);
            assertNotEquals(Arrays.toString(exact), Arrays.toString(shards.read(0).mean()), "float16 storage rounds (the comparison above is not vacuous)");
            assertEquals(inputs.get(0).files().get(3), shards.sourceFile(3));
            assertEquals(inputs.get(2).files().get(0), shards.sourceFile(5), "the empty shard 1 holds no index");
            assertEquals(inputs.get(2).files().get(3), shards.sourceFile(8));
            assertEquals(List.of(4, 3, 2), shards.latentShape());
            assertEquals(0.18215, shards.scalingFactor());
            assertEquals(TestLatents.CLASSES, shards.classes());
            assertEquals(TestLatents.VAE, shards.vae());
            assertEquals(LatentDType.FLOAT16, shards.index().dtype());
            assertThrows(IndexOutOfBoundsException.class, () -> shards.read(9));
        }
        // 8 + header + 2 tensors of 5 rows of 48 halves + 5 labels
        long header = Files.size(tmp.resolve("shard-00000.safetensors")) - 2 * 5 * 48 * 2 - 5 * 8;
        assertEquals(0, (header - 8) % 8, "the data section starts 8-byte aligned");
    }

    @Test
    void float32RoundTripIsExact() throws IOException {
        List<TestLatents.Inputs> inputs = TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT32, 3, 6);
        try (LatentShards shards = LatentShards.open(tmp.toUri().toString())) {
            assertEquals(LatentDType.FLOAT32, shards.index().dtype());
            assertSamplesEqualInputs(shards, inputs, LatentDType.FLOAT32);
            assertArrayEquals(Arrays.copyOfRange(inputs.get(1).std(), 2 * TestLatents.ROW, 3 * TestLatents.ROW), shards.read(5).std());
        }
    }

    @Test
    void indexJsonIsWrittenFromTheRecordsAndReadBackEqual() throws IOException {
        List<TestLatents.Inputs> inputs = TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 7, 2, 5);
        LatentIndex index = LatentIndex.read(fs(), dir());
        long[] perClass = new long[3];
        for (TestLatents.Inputs in : inputs) for (long l : in.labels()) perClass[(int) l]++;
        assertEquals(Arrays.stream(perClass).boxed().toList(), index.countPerClass());
        assertEquals(14, index.count());
        assertEquals(List.of(7, 2, 5), index.shards().stream().map(LatentIndex.Shard::count).toList());
        assertEquals(List.of("shard-00000.safetensors", "shard-00001.safetensors", "shard-00002.safetensors"), index.shards().stream().map(LatentIndex.Shard::name).toList());
        List<SkippedFile> skipped = new ArrayList<>();
        inputs.forEach(in -> skipped.addAll(in.skipped()));
        assertEquals(skipped, index.skipped());
        for (int s = 0; s < 3; s++) {
            assertEquals(ShardVerifier.verified(fs(), dir(), s).orElseThrow().sha256(), index.shards().get(s).sha256());
        }
        JsonNode json = JsonFields.JSON.readTree(tmp.resolve("index.json").toFile());
        assertEquals("lit-latents/1", json.get("format").asText());
        assertEquals(256, json.get("resolution").asInt());
        assertEquals("[4,3,2]", json.get("latent_shape").toString());
        assertEquals("float16", json.get("dtype").asText());
        assertEquals(0.18215, json.get("scaling_factor").asDouble());
        assertEquals("diffusion_pytorch_model.safetensors", json.get("vae").get("file").asText());
        assertEquals(Arrays.toString(perClass).replace(" ", ""), json.get("count_per_class").toString());
        assertEquals("corrupt JPEG", json.get("skipped").get(2).get("reason").asText());
        index.write(fs(), new Path(tmp.resolve("copy").toUri()));
        assertEquals(index, LatentIndex.read(fs(), new Path(tmp.resolve("copy").toUri())));
    }

    private String indexError(java.util.function.Consumer<ObjectNode> edit) throws IOException {
        java.io.File f = tmp.resolve("index.json").toFile();
        ObjectNode json = (ObjectNode) JsonFields.JSON.readTree(f);
        edit.accept(json);
        JsonFields.JSON.writeValue(f, json);
        return assertThrows(TensorFileException.class, () -> LatentShards.open(tmp.toUri().toString())).getMessage();
    }

    @Test
    void anotherFormatAMissingKeyOrCountsThatDoNotAddUpAreRefusedNamingFileAndKey() throws IOException {
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 3, 2);
        String format = indexError(j -> j.put("format", "lit-latents/2"));
        assertTrue(format.contains("index.json") && format.contains("\"format\" is \"lit-latents/2\""), format);
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 3, 2);
        String missing = indexError(j -> j.remove("scaling_factor"));
        assertTrue(missing.contains("index.json") && missing.contains("missing key \"scaling_factor\""), missing);
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 3, 2);
        String nested = indexError(j -> ((ObjectNode) j.get("shards").get(1)).remove("sha256"));
        assertTrue(nested.contains("(\"shards\"[1])") && nested.contains("missing key \"sha256\""), nested);
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 3, 2);
        String count = indexError(j -> j.put("count", 6));
        assertTrue(count.contains("key \"count\" is 6") && count.contains("sums to 5"), count);
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 3, 2);
        String dtype = indexError(j -> j.put("dtype", "bfloat16"));
        assertTrue(dtype.contains("index.json") && dtype.contains("\"dtype\"") && dtype.contains("bfloat16"), dtype);
        Files.delete(tmp.resolve("index.json"));
        String none = assertThrows(TensorFileException.class, () -> LatentShards.open(tmp.toUri().toString())).getMessage();
        assertTrue(none.contains("index.json") && none.contains("not found"), none);
    }

    @Test
    void aTruncatedShardIsAnErrorNamingIt() throws IOException {
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 3, 4);
        java.nio.file.Path shard = tmp.resolve("shard-00001.safetensors");
        long length = Files.size(shard);
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(length - 10);
        }
        String e = assertThrows(TensorFileException.class, () -> LatentShards.open(tmp.toUri().toString())).getMessage();
        assertTrue(e.contains("shard-00001.safetensors") && e.contains("truncated: " + (length - 10) + " bytes, its header describes " + length), e);
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(5);
        }
        String tiny = assertThrows(TensorFileException.class, () -> LatentShards.open(tmp.toUri().toString())).getMessage();
        assertTrue(tiny.contains("shard-00001.safetensors") && tiny.contains("truncated: 5 bytes"), tiny);
    }

    @Test
    void aShardCutShortAfterOpeningFailsTheReadNamingIt() throws IOException {
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 3, 4);
        try (LatentShards shards = LatentShards.open(tmp.toUri().toString())) {
            shards.read(4);
            try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("shard-00001.safetensors").toFile(), "rw")) {
                f.setLength(f.length() - 4 * 8 - 2 * 48 * 2);     // the labels and the std of rows 2 and 3 (48 halves each) gone
            }
            assertEquals(4, shards.read(4).index(), "row 1's std is still there");
            String e = assertThrows(TensorFileException.class, () -> shards.read(6)).getMessage();
            assertTrue(e.contains("shard-00001.safetensors") && e.contains("truncated"), e);
        }
    }

    @Test
    void aWrongTensorShapeIsAnErrorNamingShardAndTensor() throws IOException {
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 3, 2);
        TestLatents.Inputs in = TestLatents.inputs(1, 2, 7);
        new ShardWriter(fs(), dir(), LatentDType.FLOAT16, new int[] {4, 2, 3}, 3).write(1, in.mean(), in.std(), in.labels(), in.files(), in.skipped());
        String e = assertThrows(TensorFileException.class, () -> LatentShards.open(tmp.toUri().toString())).getMessage();
        assertTrue(e.contains("shard-00001.safetensors") && e.contains("tensor mean has shape [2, 2, 4, 2, 3], index.json says [2, 2, 4, 3, 2]"), e);
        new ShardWriter(fs(), dir(), LatentDType.FLOAT32, TestLatents.SHAPE_ARRAY, 3).write(1, in.mean(), in.std(), in.labels(), in.files(), in.skipped());
        String dtype = assertThrows(TensorFileException.class, () -> LatentShards.open(tmp.toUri().toString())).getMessage();
        assertTrue(dtype.contains("shard-00001.safetensors") && dtype.contains("tensor mean is F32, index.json says F16"), dtype);
    }

    @Test
    void theIndexRefusesRecordsOfOtherSettingsNamingTheShard() throws IOException {
        List<ShardRecord> records = new ArrayList<>();
        TestLatents.Inputs in = TestLatents.inputs(0, 2, 1);
        records.add(new ShardWriter(fs(), dir(), LatentDType.FLOAT16, TestLatents.SHAPE_ARRAY, 3).write(0, in.mean(), in.std(), in.labels(), in.files(), in.skipped()));
        records.add(new ShardWriter(fs(), dir(), LatentDType.FLOAT32, TestLatents.SHAPE_ARRAY, 3).write(1, in.mean(), in.std(), in.labels(), in.files(), in.skipped()));
        String e = assertThrows(IllegalArgumentException.class, () -> LatentIndex.of(256, TestLatents.SHAPE, LatentDType.FLOAT16, 0.18215, TestLatents.VAE, TestLatents.CLASSES, records)).getMessage();
        assertTrue(e.startsWith("shard-00001.safetensors was written as float32"), e);
        String order = assertThrows(IllegalArgumentException.class, () -> LatentIndex.of(256, TestLatents.SHAPE, LatentDType.FLOAT16, 0.18215, TestLatents.VAE, TestLatents.CLASSES, records.subList(1, 2))).getMessage();
        assertTrue(order.contains("record 0 is of shard-00001.safetensors"), order);
    }

    @Test
    void theWriterRefusesInputsThatDoNotFit() throws IOException {
        ShardWriter w = new ShardWriter(fs(), dir(), LatentDType.FLOAT16, TestLatents.SHAPE_ARRAY, 3);
        TestLatents.Inputs in = TestLatents.inputs(0, 2, 1);
        String label = assertThrows(IllegalArgumentException.class, () -> w.write(0, in.mean(), in.std(), new long[] {0, 3}, in.files(), List.of())).getMessage();
        assertTrue(label.contains("label 3 of row 1") && label.contains(in.files().get(1)), label);
        assertThrows(IllegalArgumentException.class, () -> w.write(0, Arrays.copyOf(in.mean(), 95), in.std(), in.labels(), in.files(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> w.write(0, in.mean(), in.std(), in.labels(), in.files().subList(0, 1), List.of()));
        assertEquals(0, Files.list(tmp).count(), "nothing written for refused inputs");
    }

    @Test
    void theTrainingLatentIsMeanPlusStdTimesEpsScaledOfImageOrFlip() {
        float[] mean = {1, 2, 10, 20}, std = {0.5f, 0.25f, 1, 2};
        Sample s = new Sample(0, 1, mean, std);
        assertArrayEquals(new float[] {(1 + 0.5f * 2) * 0.5f, (2 - 0.25f) * 0.5f}, s.latent(false, new float[] {2, -1}, 0.5f));
        assertArrayEquals(new float[] {(10 + 2) * 0.5f, (20 - 2) * 0.5f}, s.latent(true, new float[] {2, -1}, 0.5f));
    }
}
