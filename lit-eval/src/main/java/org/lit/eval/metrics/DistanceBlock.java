package org.lit.eval.metrics;

import org.lit.core.io.Half;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ADM's DistanceBlock: the squared distances {@code max(|u|^2 - 2 u.v + |v|^2, 0)} between a block of
 * rows of U and a block of rows of V, as ADM's TensorFlow graph computes them on a GPU.
 *
 * <p>First in float16: the features cast to half (round to nearest even); the squares rounded to half
 * and summed in half in TensorFlow's GPU order ({@link GpuRowSum}); the dot products from a float32 GEMM
 * of the half values (cuBLAS computes half GEMMs with float accumulation, and products of halves are
 * exact in float) rounded to half once; then 2 u.v, |u|^2 - 2 u.v and + |v|^2, each rounded to half, and
 * max with 0. If any entry of the block is not finite (a half past 65504, or inf - inf), the whole block is
 * computed again in float32, as ADM's tf.cond does. The block comes back as float32 values.
 *
 * <p>The dot products are the one place where this cannot be bit-exact: the GPU's float32 summation
 * order is cuBLAS's (and the GPU's), so an exact sum that falls within a float32 rounding of a half
 * rounding boundary may round to the other neighbouring half there. Such a dot product is off by one half
 * ulp, which moves a distance by one ulp and can flip a {@code <=} against a radius that ties with it.
 */
final class DistanceBlock {
    /** Rows of U per GEMM: a chunk's dot products stay at 1024 x block columns floats. */
    private static final int CHUNK = 1024;

    private final FeatureRows u;
    private final FeatureRows v;
    private final float[] uHalfNorms;
    private final float[] vHalfNorms;
    private final float[] uFloatNorms;
    private final float[] vFloatNorms;
    private int fallbacks;

    DistanceBlock(FeatureRows u, FeatureRows v) {
        if (u.dim() != v.dim()) throw new IllegalArgumentException("distances between " + u.dim() + "-d and " + v.dim() + "-d features");
        this.u = u;
        this.v = v;
        this.uHalfNorms = squaredNorms(u, true);
        this.uFloatNorms = squaredNorms(u, false);
        this.vHalfNorms = u == v ? uHalfNorms : squaredNorms(v, true);
        this.vFloatNorms = u == v ? uFloatNorms : squaredNorms(v, false);
    }

    /** Distances of U rows [u0, u1) to V rows [v0, v1), row-major into out (at least (u1-u0)(v1-v0) long), which is returned. */
    float[] compute(int u0, int u1, int v0, int v1, float[] out) {
        if (!fill(u0, u1, v0, v1, out, true)) {
            fallbacks++;
            fill(u0, u1, v0, v1, out, false);
        }
        return out;
    }

    /** How many blocks were computed in float32 because their float16 values were not all finite. */
    int fallbacks() {
        return fallbacks;
    }

    /** Fills the block in float16 (half) or float32; false as soon as a float16 entry is not finite. */
    private boolean fill(int u0, int u1, int v0, int v1, float[] out, boolean half) {
        FeatureRows.FloatOp cast = half ? Half::round : x -> x;
        float[] uNorms = half ? uHalfNorms : uFloatNorms;
        float[] vNorms = half ? vHalfNorms : vFloatNorms;
        int cols = v1 - v0;
        int dim = u.dim();
        INDArray vBlock = Nd4j.create(v.copy(v0, v1, cast), new long[] {cols, dim}, DataType.FLOAT);
        for (int c0 = u0; c0 < u1; c0 += CHUNK) {
            int c1 = Math.min(u1, c0 + CHUNK);
            INDArray uChunk = Nd4j.create(u.copy(c0, c1, cast), new long[] {c1 - c0, dim}, DataType.FLOAT);
            INDArray dots = Nd4j.gemm(uChunk, vBlock, Nd4j.createUninitialized(DataType.FLOAT, new long[] {c1 - c0, cols}, 'c'), false, true, 1.0, 0.0);
            float[] dot = dots.data().asFloat();
            for (int i = 0; i < c1 - c0; i++) {
                float uu = uNorms[c0 + i];
                int at = (c0 - u0 + i) * cols;
                for (int j = 0; j < cols; j++) {
                    float d = half ? halfDistance(uu, dot[i * cols + j], vNorms[v0 + j]) : Math.max((uu - 2 * dot[i * cols + j]) + vNorms[v0 + j], 0f);
                    if (half && !Float.isFinite(d)) return false;
                    out[at + j] = d;
                }
            }
        }
        return true;
    }

    private static float halfDistance(float uu, float dot, float vv) {
        float twoDot = Half.round(2 * Half.round(dot));        // doubling a half is exact, or overflows to inf
        return Math.max(Half.round(Half.round(uu - twoDot) + vv), 0f);   // Math.max keeps NaN, like np.maximum
    }

    /** reduce_sum(square(x), 1): in float16 with every square rounded to half, or in float32. */
    private static float[] squaredNorms(FeatureRows x, boolean half) {
        int dim = x.dim();
        float[] squares = new float[dim];
        float[] norms = new float[x.rows()];
        for (int r = 0; r < norms.length; r++) {
            for (int c = 0; c < dim; c++) {
                float e = half ? Half.round(x.get(r, c)) : x.get(r, c);
                squares[c] = half ? Half.round(e * e) : e * e;
            }
            norms[r] = GpuRowSum.sum(squares, 0, dim, half);
        }
        return norms;
    }
}
