package org.lit.core.vae;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The mid block's attention: Attention(C, heads=1, dim_head=C, bias, GroupNorm first, residual).
 * Tokens are the H*W pixels in row-major order; q, k, v = Linear(GN(x)); softmax(q k^T / sqrt(C)) v;
 * then to_out[0] and the residual x.
 *
 * <p>Channel-major values are already the transposed token matrix T (C, N*H*W), so every
 * projection is W T + b (one GEMM for all samples) and, per sample, scores = Q^T K and
 * out = V P^T: no permute anywhere.
 */
final class MidAttention {
    private final long channels;
    private final GroupNorm norm;
    private final INDArray[] weight = new INDArray[4];
    private final INDArray[] bias = new INDArray[4];

    MidAttention(VaeWeights weights, String name, long channels, long groups) {
        this.channels = channels;
        this.norm = new GroupNorm(weights, name + ".group_norm", channels, groups);
        String[] projections = VaeWeights.ATTENTION_PROJECTIONS;
        for (int i = 0; i < 4; i++) {
            weight[i] = weights.take(name + "." + projections[i] + ".weight", channels, channels);
            bias[i] = weights.take(name + "." + projections[i] + ".bias", channels);
        }
    }

    Planes forward(Planes x) {
        long n = x.batch, tokens = x.height * x.width;
        INDArray t = norm.forward(x, false).interior().dup('c').reshape('c', channels, n * tokens);
        INDArray q = project(0, t), k = project(1, t), v = project(2, t);
        INDArray attended = n == 1 ? null : Nd4j.createUninitialized(DataType.FLOAT, channels, n * tokens);
        INDArray scores = Nd4j.createUninitialized(DataType.FLOAT, tokens, tokens);
        INDArray sampleOut = Nd4j.createUninitialized(DataType.FLOAT, channels, tokens);
        double scale = 1.0 / Math.sqrt(channels);
        for (long s = 0; s < n; s++) {
            Nd4j.gemm(columns(q, s, tokens), columns(k, s, tokens), scores, true, false, scale, 0.0);
            Nd4j.exec(new SoftMax(scores, scores, 1));
            Nd4j.gemm(columns(v, s, tokens), scores, sampleOut, false, true, 1.0, 0.0);   // (C, T) = V P^T
            if (n > 1) columns(attended, s, tokens).assign(sampleOut);
        }
        Planes y = Planes.of(project(3, n == 1 ? sampleOut : attended).reshape('c', channels, n, x.height, x.width));
        y.matrix().addi(x.matrix());   // the residual; zero borders add to zero
        return y;
    }

    private INDArray project(int i, INDArray tokens) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, channels, tokens.size(1));
        Nd4j.gemm(weight[i], tokens, out, false, false, 1.0, 0.0);
        return out.addiColumnVector(bias[i]);
    }

    /** Sample s's tokens, columns [s*tokens, (s+1)*tokens) of a (C, N*tokens) matrix. */
    private static INDArray columns(INDArray m, long s, long tokens) {
        return m.get(NDArrayIndex.all(), NDArrayIndex.interval(s * tokens, (s + 1) * tokens));
    }
}
