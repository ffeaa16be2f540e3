package org.lit.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FID and sFID against ADM's FIDStatistics.frechet_distance (scipy sqrtm) on the fixtures' 2048-d and 2023-d sets. */
class FrechetDistanceTest {
    private static Gaussian reference;
    private static double[] referenceAdmMean;

    @BeforeAll
    static void referenceStatistics() {
        SyntheticFeatures ref = MetricCases.spec(MetricCases.get("fid"), "reference");
        reference = MetricCases.statistics(ref).gaussian();
        referenceAdmMean = admMean(ref);
    }

    /** ADM's float32 mu of a set, fed in batches of 500 rows in order. */
    private static double[] admMean(SyntheticFeatures s) {
        Float32Mean m = new Float32Mean(s.dim());
        for (int from = 0; from < s.rows(); from += 500) m.add(s.rows(from, Math.min(s.rows(), from + 500)));
        return m.mean();
    }

    /**
     * FID of a case with the exact means (returned, and timed), and with ADM's float32 means. Those agree
     * with ADM to 3e-8 relative where both covariances are full rank: what is left is ADM's mean term
     * itself, |mu1 - mu2|^2 of two float32 vectors, which numpy computes in float32 (BLAS sdot, not even
     * correctly rounded: 4.6926174 here, where the exact dot of the same float32 differences is 4.69261768).
     */
    private static double fid(String name) {
        JsonNode c = MetricCases.get(name);
        SyntheticFeatures s = MetricCases.spec(c, "samples"), r = MetricCases.spec(c, "reference");
        Gaussian samples = MetricCases.statistics(s).gaussian();
        Gaussian ref = name.equals("sfid") ? MetricCases.statistics(r).gaussian() : reference;
        double[] refAdmMean = name.equals("sfid") ? admMean(r) : referenceAdmMean;
        long start = System.nanoTime();
        double fid = FrechetDistance.between(samples, ref);
        double seconds = (System.nanoTime() - start) / 1e9;
        double admMeans = FrechetDistance.between(samples.withMean(admMean(s)), ref.withMean(refAdmMean));
        double expected = c.get("expected").asDouble();
        System.out.printf("%s: %.12f (%.1f s), with ADM's float32 means %.12f; ADM %.12f; relative errors %.2e and %.2e%n", name, fid, seconds,
                admMeans, expected, Math.abs(fid - expected) / expected, Math.abs(admMeans - expected) / expected);
        if (!name.equals("fid_singular")) assertEquals(expected, admMeans, 3e-8 * expected, "with ADM's float32 means");
        return fid;
    }

    @Test
    void fullRankFidMatchesAdm() {
        double expected = MetricCases.get("fid").get("expected").asDouble();
        assertEquals(expected, fid("fid"), 1e-6 * expected);
    }

    @Test
    void sfidMatchesAdm() {
        double expected = MetricCases.get("sfid").get("expected").asDouble();
        assertEquals(expected, fid("sfid"), 1e-6 * expected);
    }

    /**
     * 1200 samples in 2048-d: sigma1 is singular, its Cholesky decomposition fails and the pivoted one runs
     * (50.340844780706; the eigen route it replaced gave 50.340844780697, in 11.9 s against 7.9 s).
     */
    @Test
    void singularSampleCovarianceMatchesAdm() {
        double expected = MetricCases.get("fid_singular").get("expected").asDouble();
        assertEquals(expected, fid("fid_singular"), 1e-6 * expected);
    }

    /** A rank-3 covariance of 5-d rows: the pivoted factor has 3 columns and F F^T gives it back. */
    @Test
    void pivotedCholeskyFactorsASingularCovarianceAtItsRank() {
        double[][] x = {{1, 2, 0, -1, 3}, {0, 1, 1, 2, -1}, {2, 0, -1, 1, 1}};      // S = X^T X, rank 3
        double[] s = new double[25];
        for (double[] row : x) for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) s[i * 5 + j] += row[i] * row[j];
        org.ejml.data.DMatrixRMaj f = FrechetDistance.pivotedCholesky(s, 5);
        assertEquals(3, f.numCols);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                double v = 0;
                for (int k = 0; k < 3; k++) v += f.get(i, k) * f.get(j, k);
                assertEquals(s[i * 5 + j], v, 1e-13, "(F F^T)[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void fidOfASetWithItselfIsZero() {
        assertEquals(0, FrechetDistance.between(reference, reference), 1e-6);
        assertEquals(0, MetricCases.get("fid_self").get("expected").asDouble(), 1e-6);
    }

    /** Small cases with known answers: commuting diagonal covariances, a singular one, and a non-covariance. */
    @Test
    void traceOfTheSquareRootOfAProduct() {
        double[] a = {4, 0, 0, 0, 9, 0, 0, 0, 1};
        double[] b = {1, 0, 0, 0, 4, 0, 0, 0, 0};               // singular: tr sqrt(diag(4, 36, 0)) = 2 + 6
        assertEquals(8, FrechetDistance.traceSqrtProduct(a, b, 3), 1e-12);
        assertEquals(8, FrechetDistance.traceSqrtProduct(b, a, 3), 1e-12);   // S1 singular: the eigen route
        Gaussian g1 = new Gaussian(new double[] {1, 2, 3}, a), g2 = new Gaussian(new double[] {0, 2, 5}, b);
        assertEquals(1 + 4 + 14 + 5 - 2 * 8, FrechetDistance.between(g1, g2), 1e-12);
        double[] notPsd = {1, 0, 0, 0, -1, 0, 0, 0, 1};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FrechetDistance.traceSqrtProduct(a, notPsd, 3))
                .getMessage().contains("imaginary component"));
        assertThrows(IllegalArgumentException.class, () -> new Gaussian(new double[2], new double[3]));
    }
}
