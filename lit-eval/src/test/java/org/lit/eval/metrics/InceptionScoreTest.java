package org.lit.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Inception Score against ADM's compute_inception_score (its splits, its float32 numpy arithmetic). */
class InceptionScoreTest {
    private static void matchesAdm(String name) {
        JsonNode c = MetricCases.get(name);
        SyntheticFeatures logits = MetricCases.spec(c, "logits");
        int split = c.get("split").asInt();
        // Fed in batches that do not line up with the splits: a split closes in the middle of a batch.
        InceptionScore is = new InceptionScore(logits.dim(), split);
        for (int from = 0; from < logits.rows(); from += 700) is.add(logits.rows(from, Math.min(logits.rows(), from + 700)));
        double expected = c.get("expected").asDouble();
        double actual = is.value();
        System.out.printf("%s: IS %.9f, ADM %.9f, relative error %.2e%n", name, actual, expected, Math.abs(actual - expected) / expected);
        assertEquals(expected, actual, 1e-6 * expected);
    }

    /** 2500 rows in splits of 1000: two full splits and a last one of 500 that counts as much. */
    @Test
    void splitsOf1000WithAPartialLastSplit() {
        matchesAdm("is_splits_1000");
    }

    /** 11000 rows with ADM's default split size 5000: 5000, 5000, 1000. */
    @Test
    void defaultSplitSize() {
        matchesAdm("is_default");
    }

    @Test
    void uniformPredictionsScoreOneAndCertainDistinctOnesScoreTheClassCount() {
        assertEquals(1.0, InceptionScore.of(Nd4j.zeros(10, 4), 5000), 1e-6);
        INDArray certain = Nd4j.eye(4).muli(60);                 // softmax: one class each, all four classes seen
        assertEquals(4.0, InceptionScore.of(certain, 5000), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> new InceptionScore(4, 10).add(Nd4j.zeros(2, 5)));
        assertThrows(IllegalStateException.class, () -> new InceptionScore(4, 10).value());
    }
}
