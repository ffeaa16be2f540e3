package org.lit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.io.NpzReader;
import org.lit.data.SyntheticShapes;
import org.lit.eval.EvalFixtures;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fid-ref -> features -> fid as README gives them, on the synthetic image set with the real-size
 * FID Inception (patterned weights, pytorch-fid's legacy .pth format) under local[2].
 */
class EvalCommandsTest {
    @TempDir
    Path dir;

    @Test
    void makesAReferenceBatchFeaturesAndScores() throws Exception {
        SyntheticShapes.write(dir.resolve("data"), 3, 32, 5);             // 4 classes x 3 images, 32 px
        String inception = EvalFixtures.inceptionPth().toString();
        String[] job = {"--master", "local[2]", "--batch", "4", "--part-size", "5"};

        LitRun ref = LitRun.of(concat(new String[] {"fid-ref", "--images", dir.resolve("data/train").toString(), "--resolution", "32",
                "--inception", inception, "--keep", "5", "--out", dir.resolve("ref.npz").toString()}, job));
        assertEquals(0, ref.code(), ref.err());
        assertTrue(ref.out().contains("reference of 12 images (5 kept in arr_0, 0 file(s) skipped)"), ref.out());
        try (NpzReader npz = NpzReader.open(dir.resolve("ref.npz"))) {
            assertArrayEquals(new long[] {5, 32, 32, 3}, npz.header("arr_0").shape());
            assertArrayEquals(new long[] {2048}, npz.header("mu").shape());
            assertArrayEquals(new long[] {2048, 2048}, npz.header("sigma").shape());
            assertArrayEquals(new long[] {2023}, npz.header("mu_s").shape());
            assertArrayEquals(new long[] {2023, 2023}, npz.header("sigma_s").shape());
        }

        LitRun features = LitRun.of(concat(new String[] {"features", "--inception", inception, "--images", dir.resolve("ref.npz").toString(),
                "--out", dir.resolve("f.npz").toString()}, job));
        assertEquals(0, features.code(), features.err());
        try (NpzReader npz = NpzReader.open(dir.resolve("f.npz"))) {
            assertArrayEquals(new long[] {5, 2048}, npz.header("pool_3").shape());
            assertArrayEquals(new long[] {5, 2023}, npz.header("spatial").shape());
            assertArrayEquals(new long[] {5, 1008}, npz.header("logits").shape());
        }

        // The kept images' features as samples against the reference: its stored statistics (all 12 images) for FID,
        // its arr_0 (the same 5 images) for precision and recall, which are then both 1.
        Path json = dir.resolve("scores.json");
        LitRun fid = LitRun.of(concat(new String[] {"fid", "--samples", dir.resolve("f.npz").toString(), "--ref", dir.resolve("ref.npz").toString(),
                "--inception", inception, "--split-size", "2", "--pr-batch", "3", "--out", json.toString()}, job));
        assertEquals(0, fid.code(), fid.err());
        JsonNode scores = new ObjectMapper().readTree(json.toFile());
        assertEquals(java.util.List.of("fid", "sfid", "inception_score", "precision", "recall"), iterableNames(scores));
        assertTrue(scores.get("fid").asDouble() > 0 && Double.isFinite(scores.get("fid").asDouble()), scores.toString());
        assertEquals(1.0, scores.get("precision").asDouble());
        assertEquals(1.0, scores.get("recall").asDouble());
        assertTrue(fid.out().contains("FID: "), fid.out());

        // Features against a reference's own statistics need no Inception: FID, sFID and IS as before, precision and recall null.
        Path statsOnly = dir.resolve("stats-only.json");
        LitRun noPr = LitRun.of(concat(new String[] {"fid", "--samples", dir.resolve("f.npz").toString(), "--ref", dir.resolve("ref.npz").toString(),
                "--split-size", "2", "--out", statsOnly.toString()}, job));
        assertEquals(0, noPr.code(), noPr.err());
        JsonNode partial = new ObjectMapper().readTree(statsOnly.toFile());
        assertEquals(scores.get("fid").asDouble(), partial.get("fid").asDouble(), 1e-9 * scores.get("fid").asDouble());
        assertEquals(scores.get("inception_score").asDouble(), partial.get("inception_score").asDouble(), 0.0);
        assertTrue(partial.get("precision").isNull() && partial.get("recall").isNull(), partial.toString());

        LitRun noWeights = LitRun.of("fid", "--samples", dir.resolve("ref.npz").toString(), "--ref", dir.resolve("ref.npz").toString(), "--master", "local[1]");
        assertEquals(2, noWeights.code());
        assertTrue(noWeights.err().contains("--inception"), noWeights.err());
    }

    private static java.util.List<String> iterableNames(JsonNode n) {
        java.util.List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
