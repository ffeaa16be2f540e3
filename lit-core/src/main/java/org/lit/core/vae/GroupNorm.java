package org.lit.core.vae;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

/**
 * nn.GroupNorm(groups, C, eps=1e-6, affine), optionally followed by SiLU (x * sigmoid(x)), on
 * {@link Planes}.
 *
 * <p>Statistics are per sample over each group of C/groups contiguous channels, biased variance,
 * and accumulated in double: a group of the 256px VAE holds up to 4*256*256 = 262,144 values, over
 * which float32 sums drift visibly when the values share a large offset. The normalisation is then
 * one scale and one shift per (channel, sample) applied in float, as PyTorch's kernel does.
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

    Planes forward(Planes x, boolean silu) {
        INDArray[] scaleShift = scaleShift(x.grid().reshape('c', channels, x.batch, x.rows * x.cols), x.height * x.width);
        Planes y = x.like(channels);
        INDArray cells = y.grid().reshape('c', channels, x.batch, x.rows * x.cols);
        Broadcast.mul(x.grid().reshape('c', channels, x.batch, x.rows * x.cols), scaleShift[0], cells, 0, 1);
        Broadcast.add(cells, scaleShift[1], cells, 0, 1);
        if (silu) Nd4j.exec(new Swish(y.matrix(), y.matrix()));
        y.zeroBorder();
        return y;
    }

    /**
     * Per (channel, sample), as float (C, N): scale = gamma / sqrt(var + eps) and
     * shift = beta - mean * scale, from double statistics of each (group, sample). x is (C, N, cells)
     * of which `count` per image are values and the rest zeros (the borders).
     */
    INDArray[] scaleShift(INDArray x, long count) {
        long n = x.size(1);
        long perGroup = channels / groups;
        INDArray grouped = x.reshape('c', groups, perGroup, n, x.size(2)).castTo(DataType.DOUBLE);
        double values = (double) perGroup * count;
        double zeros = (double) perGroup * x.size(2) - values;
        INDArray mean = grouped.sum(1, 3).divi(values);                        // (G, N); zeros add nothing
        Broadcast.sub(grouped, mean, grouped, 0, 2);
        double[][] means = mean.toDoubleMatrix();
        double[][] squares = grouped.muli(grouped).sum(1, 3).toDoubleMatrix();  // each zero added mean^2
        double[][] scale = new double[(int) channels][(int) n];
        double[][] shift = new double[(int) channels][(int) n];
        for (int c = 0; c < channels; c++) {
            int g = (int) (c / perGroup);
            for (int s = 0; s < n; s++) {
                double variance = (squares[g][s] - zeros * means[g][s] * means[g][s]) / values;   // biased
                scale[c][s] = gamma[c] / Math.sqrt(Math.max(variance, 0) + EPS);
                shift[c][s] = beta[c] - means[g][s] * scale[c][s];
            }
        }
        return new INDArray[] {Nd4j.create(scale).castTo(DataType.FLOAT), Nd4j.create(shift).castTo(DataType.FLOAT)};
    }
}
