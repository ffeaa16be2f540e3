package org.lit.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * The feature sets of tools/reference/make_metric_fixtures.py, recomputed bit for bit: a splitmix64 hash
 * of (stream, row, column) gives 24-bit uniforms, and float32 +, -, * in the script's order give
 * x = (sum_k z_ik W_kj) * scale + c_j + (u_ij - 1/2) * noise, then max(x, 0) for pool-like features.
 */
record SyntheticFeatures(int seed, int loading, int rows, int dim, int factors, float scale, float offset, float noise, boolean relu)
        implements Serializable {

    static SyntheticFeatures of(JsonNode spec) {
        return new SyntheticFeatures(spec.get("seed").asInt(), spec.get("loading").asInt(), spec.get("rows").asInt(), spec.get("dim").asInt(),
                spec.get("factors").asInt(), (float) spec.get("scale").asDouble(), (float) spec.get("offset").asDouble(),
                (float) spec.get("noise").asDouble(), spec.get("relu").asBoolean());
    }

    INDArray all() {
        return rows(0, rows);
    }

    /** Rows [from, to) as a float [to - from, dim] array. */
    INDArray rows(int from, int to) {
        float[] w = new float[factors * dim];
        for (int k = 0; k < factors; k++) {
            for (int j = 0; j < dim; j++) w[k * dim + j] = 2f * uniform(4L * loading + 2, k, j) - 1f;
        }
        float[] c = new float[dim];
        for (int j = 0; j < dim; j++) c[j] = uniform(4L * loading + 3, 0, j) * offset;
        float[] out = new float[(to - from) * dim];
        float[] z = new float[factors];
        for (int i = from; i < to; i++) {
            for (int k = 0; k < factors; k++) z[k] = 2f * uniform(4L * seed, i, k) - 1f;
            for (int j = 0; j < dim; j++) {
                float acc = z[0] * w[j];
                for (int k = 1; k < factors; k++) acc = acc + z[k] * w[k * dim + j];
                float e = uniform(4L * seed + 1, i, j) - 0.5f;
                float x = (acc * scale + c[j]) + e * noise;
                out[(i - from) * dim + j] = relu ? Math.max(x, 0f) : x;
            }
        }
        return Nd4j.create(out, new long[] {to - from, dim}, DataType.FLOAT);
    }

    private static float uniform(long stream, long row, long col) {
        long z = (stream << 44 | row << 16 | col) + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int) (z >>> 40) * 0x1p-24f;
    }
}
