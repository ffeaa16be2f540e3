package org.lit.core.vae;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * nn.Conv2d(in, out, k, stride 1, padding k/2) with bias, k = 1 or 3, on {@link Planes}. 1x1 is
 * one GEMM over the cell matrix; 3x3 is nine GEMMs over the shifted cell matrix, accumulated in
 * place. (libnd4j's conv2d, an im2col copy nine times the input followed by one GEMM, ran this
 * model's convolutions 2-3x slower on 2 cores.)
 */
final class Conv2d {
    final long in;
    final long out;
    final int kernel;
    /** Per tap (ky*k + kx) the (out, in) matrix W[:, :, ky, kx]. */
    private final INDArray[] taps;
    private final INDArray bias;

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
