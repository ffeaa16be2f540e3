package org.lit.core.vae;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * nn.Conv2d(in, out, k, stride 1, padding k/2) with bias, k = 1 or 3, on channel-major (C, N, H, W)
 * activations. 1x1 is one GEMM. 3x3 is nine GEMMs over a zero-bordered {@link Grid}, accumulated in
 * place: no im2col buffer nine times the input (libnd4j's conv2d builds one, and ran this model's
 * convolutions 2-3x slower than these GEMMs on 2 cores).
 */
final class Conv2d {
    static final long[][] TAPS_3X3 = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}};

    final long in;
    final long out;
    final int kernel;
    /** Per tap (ky*3 + kx) the (out, in) matrix W[:, :, ky, kx]; one matrix for 1x1. */
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

    /** The layer's PyTorch weight (out, in, k, k) as a 2-D tap matrix; for conv layers that fuse taps. */
    INDArray tap(int ky, int kx) {
        return taps[ky * kernel + kx];
    }

    INDArray bias() {
        return bias;
    }

    /** A zero-bordered grid to write this layer's (3x3) input into: input cell (y, x) is grid cell (y+1, x+1). */
    Grid inputGrid(long batch, long h, long w) {
        return Grid.of(in, batch, h + 2, w + 2, 2);
    }

    /** The interior of {@link #inputGrid}: where the (C, N, h, w) input goes. */
    static INDArray interior(Grid grid) {
        return grid.window(1, 1, grid.rows - 2, grid.cols - 2);
    }

    INDArray forward(INDArray x) {
        if (kernel == 1) return forward1x1(x);
        Grid grid = inputGrid(x.size(1), x.size(2), x.size(3));
        interior(grid).assign(x);
        return forward(grid);
    }

    /** conv(SiLU(norm(x))) for a 3x3 conv, the normalised input written straight into this conv's grid. */
    INDArray forwardActivated(GroupNorm norm, INDArray x) {
        Grid grid = inputGrid(x.size(1), x.size(2), x.size(3));
        norm.forwardInto(x, true, interior(grid));
        return forward(grid);
    }

    /** 3x3, padding 1, over an input already written into {@link #interior}(grid). */
    INDArray forward(Grid grid) {
        long h = grid.rows - 2, w = grid.cols - 2;
        INDArray wide = Nd4j.createUninitialized(DataType.FLOAT, out, grid.cells());
        grid.correlate(taps, TAPS_3X3, wide);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, out, grid.batch, h, w);
        Broadcast.add(Grid.valid(wide, grid.batch, grid.rows, grid.cols, h, w), bias, y, 0);
        return y;
    }

    private INDArray forward1x1(INDArray x) {
        INDArray flat = x.reshape('c', in, x.length() / in);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, out, flat.size(1));
        Nd4j.gemm(taps[0], flat, y, false, false, 1.0, 0.0);
        y.addiColumnVector(bias);
        return y.reshape('c', out, x.size(1), x.size(2), x.size(3));
    }
}
