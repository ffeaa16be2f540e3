package org.lit.core.vae;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * nn.GroupNorm(groups, C, eps=1e-6, affine) on channel-major (C, N, H, W) activations, optionally
 * followed by SiLU (x * sigmoid(x)), written into a given array (a conv's padded input grid).
 *
 * <p>Statistics are per sample over each group of C/groups contiguous channels, biased variance,
 * and accumulated in double: a group of the 256px VAE holds up to 4*256*256 = 262,144 values, over
 * which float32 sums drift visibly when the values share a large offset. The normalisation itself
 * is then one scale and one shift per (channel, sample), applied in float.
 */
final class GroupNorm {
    static final double EPS = 1e-6;

    private final long channels;
    private final long groups;
    private final double[] gamma;
    private final double[] beta;

    GroupNorm(VaeWeights weights, String name, long channels, long groups) {
        this.channels = channels;
        this.groups = groups;
        this.gamma = weights.take(name + ".weight", channels).toDoubleVector();
        this.beta = weights.take(name + ".bias", channels).toDoubleVector();
    }

    INDArray forward(INDArray x, boolean silu) {
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        forwardInto(x, silu, y);
        return y;
    }

    /** Writes GN(x) (then SiLU, if asked) into out, an array or view of x's shape. */
    void forwardInto(INDArray x, boolean silu, INDArray out) {
        INDArray[] scaleShift = scaleShift(x);
        Broadcast.mul(x, scaleShift[0], out, 0, 1);
        Broadcast.add(out, scaleShift[1], out, 0, 1);
        if (silu) Nd4j.exec(new Swish(out, out));
    }

    /**
     * Per (channel, sample), as float (C, N): scale = gamma / sqrt(var + eps) and
     * shift = beta - mean * scale, from double statistics of each (group, sample).
     */
    INDArray[] scaleShift(INDArray x) {
        long n = x.size(1);
        long perGroup = channels / groups;
        INDArray grouped = x.reshape('c', groups, perGroup, n, x.size(2) * x.size(3)).castTo(DataType.DOUBLE);
        INDArray mean = grouped.mean(1, 3);                                    // (G, N)
        Broadcast.sub(grouped, mean, grouped, 0, 2);
        double[][] means = mean.toDoubleMatrix();
        double[][] variances = grouped.muli(grouped).mean(1, 3).toDoubleMatrix();   // biased: / count
        double[][] scale = new double[(int) channels][(int) n];
        double[][] shift = new double[(int) channels][(int) n];
        for (int c = 0; c < channels; c++) {
            int g = (int) (c / perGroup);
            for (int s = 0; s < n; s++) {
                scale[c][s] = gamma[c] / Math.sqrt(variances[g][s] + EPS);
                shift[c][s] = beta[c] - means[g][s] * scale[c][s];
            }
        }
        return new INDArray[] {Nd4j.create(scale).castTo(DataType.FLOAT), Nd4j.create(shift).castTo(DataType.FLOAT)};
    }
}
