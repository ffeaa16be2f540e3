package org.lit.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lit.core.Fixtures;
import org.lit.core.io.Npz;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/** The cases of tools/reference/make_metric_fixtures.py: feature-set specs and what ADM's own functions computed from them. */
final class MetricCases {
    private static JsonNode cases;
    private static Map<String, INDArray> radii;

    private MetricCases() {
    }

    static synchronized JsonNode get(String name) {
        try {
            if (cases == null) cases = new ObjectMapper().readTree(Fixtures.file("metrics/cases.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode c = cases.get(name);
        if (c == null) throw new IllegalArgumentException("no case " + name + " in metrics/cases.json");
        return c;
    }

    /** ADM's radii of a precision/recall case: name_ref, name_samples. */
    static synchronized float[] radii(String key) {
        try {
            if (radii == null) radii = Npz.read(Files.readAllBytes(Fixtures.file("metrics/radii.npz")), "radii.npz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return radii.get(key).toFloatVector();
    }

    static SyntheticFeatures spec(JsonNode c, String key) {
        return SyntheticFeatures.of(c.get(key));
    }

    /** Streaming statistics of a synthetic set, fed in batches of 500 rows. */
    static FeatureStatistics statistics(SyntheticFeatures s) {
        FeatureStatistics st = new FeatureStatistics(s.dim());
        for (int from = 0; from < s.rows(); from += 500) st.add(s.rows(from, Math.min(s.rows(), from + 500)));
        return st;
    }

    static FeatureRows rows(SyntheticFeatures s) {
        return new FeatureRows(s.dim(), s.rows()).add(s.all());
    }
}
