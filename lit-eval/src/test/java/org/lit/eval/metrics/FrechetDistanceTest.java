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

    @BeforeAll
    static void referenceStatistics() {
        reference = MetricCases.statistics(MetricCases.spec(MetricCases.get("fid"), "reference")).gaussian();
    }

    private static double fid(String name) {
        JsonNode c = MetricCases.get(name);
        Gaussian samples = MetricCases.statistics(MetricCases.spec(c, "samples")).gaussian();
        Gaussian ref = name.equals("sfid") ? MetricCases.statistics(MetricCases.spec(c, "reference")).gaussian() : reference;
        long start = System.nanoTime();
        double fid = FrechetDistance.between(samples, ref);
        double expected = c.get("expected").asDouble();
        System.out.printf("%s: %.12f, ADM %.12f, relative error %.2e, %.1f s%n", name, fid, expected,
                Math.abs(fid - expected) / Math.abs(expected), (System.nanoTime() - start) / 1e9);
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

    /** 1200 samples in 2048-d: sigma1 is singular, its Cholesky decomposition fails and the eigen route runs. */
    @Test
    void singularSampleCovarianceMatchesAdm() {
        double expected = MetricCases.get("fid_singular").get("expected").asDouble();
        assertEquals(expected, fid("fid_singular"), 1e-6 * expected);
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
