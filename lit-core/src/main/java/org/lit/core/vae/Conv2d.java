package org.lit.core.vae;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * nn.Conv2d(in, out, k, stride 1, padding k/2) with bias, k = 1 or 3, on {@link Planes}. 1x1 is
 * one GEMM over the cell matrix; 3x3 is nine GEMMs over the shifted cell matrix, accumulated in
 * place. (libnd4j's conv2d, an im2col copy nine times the input followed by one GEMM, ran this
 * model's convolutions 2-3x slower on 2 cores. With the oneDNN natives, the default, conv2d is
 * oneDNN's direct convolution instead, 10-35% faster than these GEMMs per 256/512-channel layer,
 * but every call reorders its input to NHWC and its output back, which costs as much again: the
 * whole VAE measured the same, encode/decode CPU time vs PyTorch 1.18/1.03 against 1.19/1.02.)
 *
 * <p>Nine GEMMs each rewrite the whole output, which costs little against in*9 multiply-adds per
 * output value but dominates when a side is tiny: the image convs (3 -> 128 in, 128 -> 3 out) at
 * 256px. A small input is therefore stacked, its nine shifts copied into one (9*in, cells)
 * matrix for a single GEMM; a small output is computed as one GEMM of all nine taps' weights
 * stacked (9*out, in) and the nine out-row blocks then summed at their shifts.
 */
final class Conv2d {
    /** Below this many stacked rows, stacking beats nine GEMMs over the whole output. */
    private static final long SMALL = 80;

    final long in;
    final long out;
    final int kernel;
    /** Per tap (ky*k + kx) the (out, in) matrix W[:, :, ky, kx]. */
    private final INDArray[] taps;
    private final INDArray bias;
    /** (out, 9*in): column t*in + c holds W[:, c, t/3, t%3]; for a small input. */
    private final INDArray stackedTaps;
    /** (9*out, in): row t*out + o holds W[o, :, t/3, t%3]; for a small output. */
    private final INDArray stackedOutputs;

    Conv2d(VaeWeights weights, String name, long in, long out, int kernel) {
        if (kernel != 1 && kernel != 3) throw new IllegalArgumentException("kernel " + kernel);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        INDArray w = weights.take(name + ".weight", out, in, kernel, kernel);
        this.bias = weights.take(name + ".bias", out);
        this.taps = new INDArray[kernel * kernel];
        for (int t = 0; t < taps.length; t++) {
            taps[t] = w.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t / kernel), NDArrayIndex.point(t % kernel)).dup('c');
        }
        boolean small = kernel == 3 && in * 9 <= SMALL;
        this.stackedTaps = small ? Nd4j.hstack(taps) : null;
        this.stackedOutputs = kernel == 3 && !small && out * 9 <= SMALL ? Nd4j.vstack(taps) : null;
    }


    /** The (out, in) matrix of kernel tap (ky, kx), for layers that regroup the taps. */
    INDArray tap(int ky, int kx) {
        return taps[ky * kernel + kx];
    }

    INDArray bias() {
        return bias;
    }

    Planes forward(Planes x) {
        Planes y = x.like(out);
        INDArray result = y.matrix();
        if (kernel == 1) {
            Nd4j.gemm(taps[0], x.matrix(), result, false, false, 1.0, 0.0);
        } else if (stackedTaps != null) {
            INDArray shifts = Nd4j.createUninitialized(DataType.FLOAT, 9 * in, x.cells());
            for (int t = 0; t < 9; t++) shifts.get(NDArrayIndex.interval(t * in, (t + 1) * in)).assign(x.shifted(t / 3 - 1, t % 3 - 1));
            Nd4j.gemm(stackedTaps, shifts, result, false, false, 1.0, 0.0);
        } else if (stackedOutputs != null) {
            Planes perTap = x.like(9 * out);
            Nd4j.gemm(stackedOutputs, x.matrix(), perTap.matrix(), false, false, 1.0, 0.0);
            result.assign(0);
            for (int t = 0; t < 9; t++) result.addi(perTap.shifted(t / 3 - 1, t % 3 - 1).get(NDArrayIndex.interval(t * out, (t + 1) * out)));
        } else {
            for (int t = 0; t < taps.length; t++) {
                Nd4j.gemm(taps[t], x.shifted(t / 3 - 1, t % 3 - 1), result, false, false, 1.0, t == 0 ? 0.0 : 1.0);
            }
        }
        return finish(y, bias);
    }

    /** Adds the bias to every cell and restores the zero borders the GEMMs wrote over. */
    static Planes finish(Planes y, INDArray bias) {
        y.matrix().addiColumnVector(bias);
        y.zeroBorder();
        return y;
    }
}
