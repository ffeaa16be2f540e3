package org.lit.core.vae;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * diffusers Downsample2D as the VAE encoder builds it (downsample_padding 0): F.pad(x, (0,1,0,1)),
 * one zero column right and one zero row at the bottom, then a 3x3 convolution with stride 2 and no
 * padding; H x W becomes H/2 x W/2.
 *
 * <p>The stride is taken out by splitting the padded input into its four (row, column) parity
 * phases: tap (dy, dx) of output (i, j) reads padded cell (2i+dy, 2j+dx), which is cell
 * (i + dy/2, j + dx/2) of phase (dy%2, dx%2). Each phase is a {@link Grid} with one extra zero row
 * and column (the pad, and the edge the odd phases never reach), so the nine taps are nine shifted
 * GEMMs again, over a quarter of the cells each.
 */
final class Downsample2D {
    private final Conv2d conv;

    Downsample2D(VaeWeights weights, String name, long channels) {
        this.conv = new Conv2d(weights, name + ".conv", channels, channels, 3);
    }

    INDArray forward(INDArray x) {
        long n = x.size(1), h = x.size(2) / 2, w = x.size(3) / 2;
        if (x.size(2) % 2 != 0 || x.size(3) % 2 != 0) throw new IllegalArgumentException("Downsample2D needs an even side, got " + x.size(2) + "x" + x.size(3));
        INDArray wide = Nd4j.createUninitialized(DataType.FLOAT, conv.out, n * (h + 1) * (w + 1));
        boolean first = true;
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                Grid phase = Grid.of(conv.in, n, h + 1, w + 1, 1);
                INDArrayIndex all = NDArrayIndex.all();
                phase.window(0, 0, h, w).assign(x.get(all, all, NDArrayIndex.interval(a, 2, x.size(2)), NDArrayIndex.interval(b, 2, x.size(3))));
                for (int dy = a; dy < 3; dy += 2) {
                    for (int dx = b; dx < 3; dx += 2) {
                        Nd4j.gemm(conv.tap(dy, dx), phase.shifted(dy / 2, dx / 2), wide, false, false, 1.0, first ? 0.0 : 1.0);
                        first = false;
                    }
                }
            }
        }
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, conv.out, n, h, w);
        Broadcast.add(Grid.valid(wide, n, h + 1, w + 1, h, w), conv.bias(), y, 0);
        return y;
    }
}
