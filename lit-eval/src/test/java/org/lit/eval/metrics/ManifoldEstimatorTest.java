package org.lit.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Precision and recall against ADM's ManifoldEstimator (its blocks, radii and <=), with its float16 distance block emulated. */
class ManifoldEstimatorTest {
    /** Rows of ADM's radii that this estimator reproduces exactly, out of all. */
    private static int sameRadii(float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length);
        int same = 0;
        for (int i = 0; i < actual.length; i++) if (actual[i] == expected[i]) same++;
        return same;
    }

    private static void matchesAdm(String name, FeatureRows reference, FeatureRows samples) {
        JsonNode c = MetricCases.get(name);
        ManifoldEstimator estimator = new ManifoldEstimator(c.get("batch").asInt(), c.get("batch").asInt());
        float[] refRadii = estimator.radii(reference), sampleRadii = estimator.radii(samples);
        int sameRef = sameRadii(refRadii, MetricCases.radii(name + "_ref"));
        int sameSamples = sameRadii(sampleRadii, MetricCases.radii(name + "_samples"));
        PrecisionRecall pr = estimator.evaluate(reference, refRadii, samples, sampleRadii);
        double precision = c.get("precision").asDouble(), recall = c.get("recall").asDouble();
        System.out.printf("%s: precision %.6f (ADM %.6f), recall %.6f (ADM %.6f); radii equal to ADM's: %d/%d reference, %d/%d samples;"
                        + " float32 blocks %d (ADM %d)%n", name, pr.precision(), precision, pr.recall(), recall, sameRef, refRadii.length,
                sameSamples, sampleRadii.length, estimator.fallbacks(), c.get("fallback_blocks").asInt());
        assertEquals(precision, pr.precision(), 0.002);
        assertEquals(recall, pr.recall(), 0.002);
        // The emulation is bit-exact but for float32 summation order in the dot products: nearly every radius is ADM's.
        assertTrue(sameRef >= 0.99 * refRadii.length && sameSamples >= 0.99 * sampleRadii.length, "radii equal to ADM's");
        assertEquals(c.get("fallback_blocks").asInt(), estimator.fallbacks(), "blocks recomputed in float32");
    }

    /** 3000 reference and 2500 sample rows of 2048-d in blocks of 1000: three row blocks and three column blocks each way. */
    @Test
    void severalBlocks() {
        JsonNode c = MetricCases.get("pr_blocks_1000");
        matchesAdm("pr_blocks_1000", MetricCases.rows(MetricCases.spec(c, "reference")), MetricCases.rows(MetricCases.spec(c, "samples")));
    }

    @Test
    void oneBlockAtAdmsDefaultBatch() {
        JsonNode c = MetricCases.get("pr_one_block");
        matchesAdm("pr_one_block", MetricCases.rows(MetricCases.spec(c, "reference")), MetricCases.rows(MetricCases.spec(c, "samples")));
    }

    /** Reference rows 200.. are scaled by 5: their squared norms pass float16's 65504, and ADM recomputes those blocks in float32. */
    @Test
    void overflowingBlocksAreRecomputedInFloat32() {
        JsonNode c = MetricCases.get("pr_fp32_fallback");
        SyntheticFeatures ref = MetricCases.spec(c, "reference");
        int from = c.get("reference_rows_scaled_from").asInt();
        var rows = ref.all();
        rows.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, ref.rows()), org.nd4j.linalg.indexing.NDArrayIndex.all()).muli(5f);
        matchesAdm("pr_fp32_fallback", new FeatureRows(ref.dim()).add(rows), MetricCases.rows(MetricCases.spec(c, "samples")));
    }

    @Test
    void identicalSetsHavePerfectPrecisionAndRecall() {
        FeatureRows x = new FeatureRows(3).add(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 50, 3));
        PrecisionRecall pr = new ManifoldEstimator(16, 7).precisionRecall(x, x);
        assertEquals(1.0, pr.precision());
        assertEquals(1.0, pr.recall());
    }
}
