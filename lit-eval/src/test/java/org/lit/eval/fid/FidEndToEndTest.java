package org.lit.eval.fid;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.core.io.NpzReader;
import org.lit.eval.EvalFixtures;
import org.lit.eval.features.FeatureArrays;
import org.lit.eval.features.FeatureJob;
import org.lit.eval.features.FeatureParts;
import org.lit.eval.features.NpzImages;
import org.lit.eval.inception.Features;
import org.lit.eval.inception.InceptionV3;
import org.lit.eval.metrics.AdmScores;
import org.lit.eval.sample.SampleJob;
import org.lit.eval.sample.SampleOptions;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sample -> npz -> features -> fid under Spark local[2]: the tiny DiT and VAE of the parity
 * fixtures make 64 px samples, the real-size FID Inception (patterned weights, read from its
 * legacy .pth) turns them into features part by part, and ADM's metrics compare them.
 */
class FidEndToEndTest {
    @TempDir
    Path dir;

    private static SparkConf local2() {
        return new SparkConf().setMaster("local[2]").setAppName("FidEndToEndTest").set("spark.ui.enabled", "false");
    }

    private Path samples(String name, int num) {
        Fixtures.file("vae/config.json");
        SampleOptions o = new SampleOptions(Fixtures.file("dit_tiny.safetensors").toString(), Fixtures.tiny("dit"),
                Fixtures.file("vae/diffusion_pytorch_model.safetensors").toString(), num, true, 3, 1.5, false, 1, 4, 4, dir.resolve(name).toString(), -1, null);
        SampleJob.run(local2(), o);
        return dir.resolve(name);
    }

    @Test
    void featuresPartByPartEqualTheNetworksAndAKilledTaskCostsOnlyItsPart() throws Exception {
        Path s = samples("s.npz", 7);
        String inception = EvalFixtures.inceptionPth().toString();
        INDArray images;
        try (NpzReader npz = NpzReader.open(s)) {
            images = npz.read("arr_0");
        }
        Features direct = InceptionV3.fromStateDict(org.lit.core.io.TensorFiles.read(Path.of(inception)), inception).withBatchSize(2).features(images);
        try (JavaSparkContext sc = new JavaSparkContext(local2())) {
            FeatureJob.Options killed = new FeatureJob.Options(inception, 2, 3, s + ".features", 2);
            assertThrows(Exception.class, () -> FeatureJob.run(sc, NpzImages.of(s.toString()), killed));
            // Part 2 starts once part 0 or 1 is done (two slots) and dies before its record: the finished ones are kept as they are.
            Path dir = Path.of(s + ".features");
            assertFalse(Files.exists(dir.resolve("part-00002.json")));
            java.util.Map<String, java.nio.file.attribute.FileTime> before = new java.util.HashMap<>();
            for (String p : new String[] {"part-00000.json", "part-00001.json"}) {
                if (Files.exists(dir.resolve(p))) before.put(p, Files.getLastModifiedTime(dir.resolve(p)));
            }
            assertFalse(before.isEmpty(), "a part finished before the kill");
            Thread.sleep(10);
            FeatureParts parts = FeatureJob.run(sc, NpzImages.of(s.toString()), new FeatureJob.Options(inception, 2, 3, s + ".features", -1));
            for (var e : before.entrySet()) assertEquals(e.getValue(), Files.getLastModifiedTime(dir.resolve(e.getKey())), e.getKey() + " was not computed again");
            assertEquals(3, parts.parts().size());                       // 7 images in parts of 3, 3, 1
            assertEquals(7, parts.rows());
            Path out = dir.resolve("features.npz");
            parts.write(out.toString());
            try (NpzReader npz = NpzReader.open(out)) {
                // parts of 3 in batches of 2 group the images as the direct batches of 2 do only in part; the rows agree to float32 rounding
                assertEquals(0, org.lit.core.Fixtures.relativeError(npz.read(FeatureArrays.POOL3), direct.pool3()), 1e-5);
                assertEquals(0, org.lit.core.Fixtures.relativeError(npz.read(FeatureArrays.SPATIAL), direct.spatial()), 1e-5);
                assertEquals(0, org.lit.core.Fixtures.relativeError(npz.read(FeatureArrays.LOGITS), direct.logits()), 1e-5);
                assertArrayEquals(new long[] {7, 2023}, npz.header(FeatureArrays.SPATIAL).shape());
            }
        }
    }

    @Test
    void aSetAgainstItselfScoresFidZeroAndFullPrecisionAndRecall() throws Exception {
        Path s = samples("self.npz", 6);
        String inception = EvalFixtures.inceptionPth().toString();
        AdmScores self = FidEvaluation.run(local2(), new FidEvaluation.Options(s.toString(), s.toString(), inception, 4, 3, 4, 4));
        assertEquals(0, self.fid(), 1e-6);
        assertEquals(0, self.sfid(), 1e-6);
        assertEquals(1.0, self.precision());
        assertEquals(1.0, self.recall());
        assertTrue(self.inceptionScore() >= 1.0 && self.inceptionScore() < 1008, "IS " + self.inceptionScore());
        assertTrue(Files.isDirectory(dir.resolve("self.npz.features")), "features kept beside the samples");

        Path other = samples("other.npz", 6);        // the same sample set made again, into another file
        AdmScores again = FidEvaluation.run(local2(), new FidEvaluation.Options(s.toString(), other.toString(), inception, 4, 3, 4, 4));
        assertEquals(self.fid(), again.fid(), 1e-9, "the same samples made again score the same");
    }
}
