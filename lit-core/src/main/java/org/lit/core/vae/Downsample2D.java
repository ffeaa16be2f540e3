package org.lit.core.vae;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * diffusers Downsample2D as the VAE encoder builds it (downsample_padding 0): F.pad(x, (0,1,0,1)),
 * one zero column right and one zero row at the bottom, then a 3x3 convolution with stride 2 and no
 * padding; H x W becomes H/2 x W/2.
 *
 * <p>The stride is taken out by splitting the input into its four (row, column) parity phases:
 * tap (dy, dx) of output (i, j) reads padded input (2i+dy, 2j+dx), which is cell
 * (i + dy/2, j + dx/2) of phase (dy%2, dx%2). Each phase is H/2 x W/2 {@link Planes} whose zero
 * border supplies the pad (row/column H/2 of a phase is padded row/column H or W), so the nine taps
 * are again shifted GEMMs, over a quarter of the cells each, straight into the output's cells.
 */
final class Downsample2D {
    private final Conv2d conv;

    Downsample2D(VaeWeights weights, String name, long channels) {
        this.conv = new Conv2d(weights, name + ".conv", channels, channels, 3);
    }

    Planes forward(Planes x) {
        if (x.height % 2 != 0 || x.width % 2 != 0) throw new IllegalArgumentException("Downsample2D needs even sides, got " + x.height + "x" + x.width);
        long h = x.height / 2, w = x.width / 2;
        Planes y = Planes.uninitialized(conv.out, x.batch, h, w);
        INDArrayIndex all = NDArrayIndex.all();
        INDArray input = x.interior();
        boolean first = true;
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                Planes phase = Planes.of(input.get(all, all, NDArrayIndex.interval(a, 2, x.height), NDArrayIndex.interval(b, 2, x.width)));
                for (int dy = a; dy < 3; dy += 2) {
                    for (int dx = b; dx < 3; dx += 2) {
                        Nd4j.gemm(conv.tap(dy, dx), phase.shifted(dy / 2, dx / 2), y.matrix(), false, false, 1.0, first ? 0.0 : 1.0);
                        first = false;
                    }
                }
            }
        }
        return Conv2d.finish(y, conv.bias());
    }
}
