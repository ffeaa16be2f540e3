package org.lit.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.io.Npz;
import org.lit.core.io.TensorFileException;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The entry point against ADM's evaluator end to end (64-d pool, 48-d spatial, 32 classes), and ADM's
 * read_statistics: a reference npz's mu/sigma/mu_s/sigma_s are used when it has them, the reference
 * activations' own statistics when it does not.
 */
class AdmMetricsTest {
    private static void matchesAdm(String name) {
        JsonNode c = MetricCases.get(name);
        JsonNode samples = c.get("samples"), reference = c.get("reference");
        SyntheticFeatures pool = SyntheticFeatures.of(samples.get("pool")), spatial = SyntheticFeatures.of(samples.get("spatial"));
        SyntheticFeatures logits = SyntheticFeatures.of(samples.get("logits"));
        SyntheticFeatures refPool = SyntheticFeatures.of(reference.get("pool")), refSpatial = SyntheticFeatures.of(reference.get("spatial"));
        boolean[] computed = {false};
        FidStatistics refStats = ReferenceBatch.readStatistics(Fixtures.file("metrics/" + c.get("file").asText()).toString(), () -> {
            computed[0] = true;
            return new FidStatistics(MetricCases.statistics(refPool).gaussian().withMean(new Float32Mean(64).add(refPool.all()).mean()),
                    MetricCases.statistics(refSpatial).gaussian().withMean(new Float32Mean(48).add(refSpatial.all()).mean()));
        });
        assertEquals(name.equals("reference_without_stats"), computed[0], "statistics computed from the reference activations");
        // The samples' means as ADM's float32 np.mean makes them (the reference's come from the npz, or likewise).
        FidStatistics sampleStats = new FidStatistics(MetricCases.statistics(pool).gaussian().withMean(new Float32Mean(64).add(pool.all()).mean()),
                MetricCases.statistics(spatial).gaussian().withMean(new Float32Mean(48).add(spatial.all()).mean()));
        AdmScores s = new AdmMetrics(c.get("split").asInt(), c.get("batch").asInt()).evaluate(sampleStats, MetricCases.rows(pool),
                MetricCases.rows(logits), refStats, MetricCases.rows(refPool));
        System.out.printf("%s: %s; ADM fid %.12f sfid %.12f IS %.9f precision %.4f recall %.4f%n", name, s, c.get("fid").asDouble(),
                c.get("sfid").asDouble(), c.get("inception_score").asDouble(), c.get("precision").asDouble(), c.get("recall").asDouble());
        assertEquals(c.get("fid").asDouble(), s.fid(), 1e-6 * c.get("fid").asDouble());
        assertEquals(c.get("sfid").asDouble(), s.sfid(), 1e-6 * c.get("sfid").asDouble());
        assertEquals(c.get("inception_score").asDouble(), s.inceptionScore(), 1e-6 * c.get("inception_score").asDouble());
        assertEquals(c.get("precision").asDouble(), s.precision(), 0.002);
        assertEquals(c.get("recall").asDouble(), s.recall(), 0.002);
    }

    @Test
    void referenceWithStoredStatistics() {
        matchesAdm("reference_with_stats");
    }

    @Test
    void referenceWithoutStoredStatistics() {
        matchesAdm("reference_without_stats");
    }

    @Test
    void aStatisticsNpzMissingOneArrayIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path npz = dir.resolve("ref.npz");
        Files.write(npz, Npz.write(Map.of("mu", Nd4j.zeros(3), "sigma", Nd4j.eye(3), "mu_s", Nd4j.zeros(2))));
        TensorFileException e = assertThrows(TensorFileException.class, () -> ReferenceBatch.readStatistics(npz.toString(), () -> null));
        assertTrue(e.getMessage().startsWith(npz.toString()) && e.getMessage().contains("'sigma_s'"), e.getMessage());
        Files.write(npz, Npz.write(Map.of("mu", Nd4j.zeros(3), "sigma", Nd4j.eye(2), "mu_s", Nd4j.zeros(2), "sigma_s", Nd4j.eye(2))));
        assertTrue(assertThrows(TensorFileException.class, () -> ReferenceBatch.readStatistics(npz.toString(), () -> null)).getMessage().contains("'sigma' [2, 2]"));
    }
}
