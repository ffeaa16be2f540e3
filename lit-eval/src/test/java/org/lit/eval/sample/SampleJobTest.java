package org.lit.eval.sample;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.core.config.ModelConfig;
import org.lit.core.diffusion.IndexedDraws;
import org.lit.core.image.SampleGrid;
import org.lit.core.io.NpzReader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `lit sample --num` under Spark local[W] with the tiny DiT of the parity fixtures (random weights,
 * latent 4 x 8 x 8) and the tiny VAE (64 px images): the set is the same whatever the worker count,
 * a killed task costs only its part, and the npz holds what the sampler makes.
 */
class SampleJobTest {
    private static final ModelConfig TINY = Fixtures.tiny("dit");

    @TempDir
    Path dir;

    private SampleOptions options(String out, int killPart) {
        Fixtures.file("vae/config.json");
        return new SampleOptions(Fixtures.file("dit_tiny.safetensors").toString(), TINY, Fixtures.file("vae/diffusion_pytorch_model.safetensors").toString(),
                7, true, 4, 1.5, false, 3, 2, 3, dir.resolve(out).toString(), killPart, null);
    }

    private static SparkConf local(int workers) {
        return new SparkConf().setMaster("local[" + workers + "]").set("spark.ui.enabled", "false");
    }

    @Test
    void theSetIsTheSameWhateverTheWorkersAndAKilledTaskCostsOnlyItsPart() throws Exception {
        SampleJob.Report two = SampleJob.run(local(2), options("two.npz", -1));
        assertEquals(3, two.parts());                                  // 7 samples in parts of 3, 3, 1
        assertEquals(3, two.sampled());
        byte[] reference = Files.readAllBytes(dir.resolve("two.npz"));

        SampleJob.run(local(1), options("one.npz", -1));
        assertArrayEquals(reference, Files.readAllBytes(dir.resolve("one.npz")), "one worker makes the same file as two");

        // Part 2 starts once part 0 or 1 is done (two slots), and dies after writing its data.
        assertThrows(Exception.class, () -> SampleJob.run(local(2), options("killed.npz", 2)));
        assertFalse(Files.exists(dir.resolve("killed.npz")), "no npz from a failed job");
        Path parts = dir.resolve("killed.npz.parts");
        assertTrue(Files.exists(parts.resolve("part-00002.u8")) && !Files.exists(parts.resolve("part-00002.json")), "the killed part has data but no record");
        SampleJob.Report rerun = SampleJob.run(local(2), options("killed.npz", -1));
        assertTrue(rerun.sampled() >= 1 && rerun.sampled() < 3, "parts finished before the kill are not sampled again: " + rerun.sampled());
        assertArrayEquals(reference, Files.readAllBytes(dir.resolve("killed.npz")), "the re-run completes the identical file");

        // Another job may not reuse these parts.
        SampleOptions same = options("killed.npz", -1);
        SampleOptions other = new SampleOptions(same.weights(), TINY, same.vae(), 7, true, 4, 1.5, false, 4, 2, 3, same.out(), -1, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SampleJob.run(local(1), other));
        assertTrue(e.getMessage().contains("seed=3 -> 4"), e.getMessage());
    }

    @Test
    void theNpzHoldsTheSamplersImagesTheirLabelsAndAGrid() throws Exception {
        SampleOptions o = options("set.npz", -1);
        SampleJob.run(local(2), o);
        try (NpzReader npz = NpzReader.open(dir.resolve("set.npz"))) {
            INDArray arr = npz.read("arr_0");
            assertArrayEquals(new long[] {7, 64, 64, 3}, arr.shape());
            assertEquals(DataType.UBYTE, arr.dataType());
            INDArray labels = npz.read("labels");
            int[] expected = new IndexedDraws(3, TINY.numClasses()).labels(0, 7);
            assertArrayEquals(Arrays.stream(expected).asLongStream().toArray(), labels.data().asLong());
            // Samples 3..5 (part 1) drawn directly, in the job's batches of 2 then 1, quantised as sample_ddp.py.
            SamplingModels m = SamplingModels.load(o);
            byte[] direct = concat(SampleGrid.toUint8Nhwc(m.sample(o, 3, 2)), SampleGrid.toUint8Nhwc(m.sample(o, 5, 1)));
            byte[] stored = Arrays.copyOfRange(bytes(arr), 3 * 64 * 64 * 3, 6 * 64 * 64 * 3);
            assertArrayEquals(direct, stored);
            assertTrue(Arrays.stream(arr.castTo(DataType.INT).data().asInt()).distinct().count() > 100, "images are not flat");
        }
        BufferedImage grid = ImageIO.read(dir.resolve("set.png").toFile());
        assertEquals(7 * (64 + 2) + 2, grid.getWidth());                // 7 samples: one row of 7 tiles of 64 px
        assertEquals(64 + 4, grid.getHeight());
    }

    @Test
    void nanWeightsFailThePartNamingItsSamples() {
        java.util.Map<String, INDArray> w = org.lit.core.io.TensorFiles.read(Fixtures.file("dit_tiny.safetensors"));
        w.get("final_layer.linear.bias").putScalar(0, Float.NaN);
        Path bad = dir.resolve("nan.safetensors");
        org.lit.core.io.TensorFiles.write(bad, w);
        SampleOptions o = options("nan.npz", -1);
        SampleOptions withNan = new SampleOptions(bad.toString(), TINY, o.vae(), 7, true, 4, 1.5, false, 3, 2, 3, o.out(), -1, null);
        Exception e = assertThrows(Exception.class, () -> SampleJob.run(local(1), withNan));
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        assertTrue(root.getMessage().matches("samples 0\\.\\.1: the sampler produced NaN.*"), root.getMessage());
        assertFalse(Files.exists(dir.resolve("nan.npz")));
    }

    /** --layers at sampling time: a strategy that changes nothing makes the same file; skipping a block another one. */
    @Test
    void aLayerStrategyAppliesToEverySample() throws Exception {
        byte[][] files = new byte[3][];
        String[] layers = {null, "repeat=1-1", "skip=0-0"};
        for (int k = 0; k < 3; k++) {
            SampleOptions o = options("layers" + k + ".npz", -1);
            SampleJob.run(local(1), new SampleOptions(o.weights(), TINY, o.vae(), 7, true, 4, 1.5, false, 3, 2, 3, o.out(), -1, layers[k]));
            files[k] = Files.readAllBytes(Path.of(o.out()));
        }
        assertArrayEquals(files[0], files[1]);
        assertFalse(Arrays.equals(files[0], files[2]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SampleOptions("w", TINY, "v", 7, true, 4, 1.5, false, 3, 2, 3,
                "x.npz", -1, "skip=0-2"));
        assertTrue(e.getMessage().contains("depth 2"), e.getMessage());
    }

    @Test
    void theDefaultCutIsAboutFiftyPartsOfAtLeastABatchAndAtMostAThousand() {
        assertEquals(1000, SampleOptions.defaultPartSize(50_000, 32));     // FID-50K: 50 parts
        assertEquals(100, SampleOptions.defaultPartSize(5_000, 32));
        assertEquals(32, SampleOptions.defaultPartSize(64, 32));            // 2 parts of one batch
        assertEquals(32, SampleOptions.defaultPartSize(10, 32));
        assertEquals(1000, SampleOptions.defaultPartSize(1_000_000, 32));
    }

    private static byte[] bytes(INDArray uint8) {
        int[] v = uint8.castTo(DataType.INT).dup('c').data().asInt();
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
