package org.lit.core.vae;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The VAE's activations: C channel planes, each holding the N images one after another, every image
 * with a one-cell zero border ((H+2) x (W+2) cells), in one flat buffer with a margin of W+3 cells
 * before and after.
 *
 * <p>Why: a 3x3, padding-1 convolution is then nine GEMMs and nothing else. Tap (dy, dx) of every
 * output cell reads the input cell dy rows and dx columns away, which in this layout is the whole
 * (C, N*(H+2)*(W+2)) cell matrix shifted by dy*(W+2) + dx: a plain matrix view with a leading
 * dimension, which BLAS multiplies in place (no im2col copy, nine times the input, as libnd4j's
 * conv2d builds). The borders supply the zero padding; outputs computed on border cells read
 * across images, channels or margins and are zeroed afterwards ({@link #zeroBorder}). Elementwise
 * work (GroupNorm, SiLU, residual adds, biases) runs over the contiguous cell matrix, borders
 * included, and re-zeroes them.
 */
final class Planes {
    final long channels;
    final long batch;
    final long height;
    final long width;
    final long rows;
    final long cols;
    private final long margin;
    private final INDArray flat;

    private Planes(long channels, long batch, long height, long width) {
        this.channels = channels;
        this.batch = batch;
        this.height = height;
        this.width = width;
        this.rows = height + 2;
        this.cols = width + 2;
        this.margin = cols + 1;
        this.flat = Nd4j.createUninitialized(DataType.FLOAT, 2 * margin + channels * cells());
        flat.get(NDArrayIndex.interval(0, margin)).assign(0);
        flat.get(NDArrayIndex.interval(margin + channels * cells(), flat.length())).assign(0);
    }

    /** Planes whose cells are yet to be written (then {@link #zeroBorder}). */
    static Planes uninitialized(long channels, long batch, long height, long width) {
        return new Planes(channels, batch, height, width);
    }

    /** Planes of zeros. */
    static Planes zeros(long channels, long batch, long height, long width) {
        Planes p = new Planes(channels, batch, height, width);
        p.matrix().assign(0);
        return p;
    }

    /** A copy of channel-major (C, N, H, W) values (any strides). */
    static Planes of(INDArray cnhw) {
        Planes p = uninitialized(cnhw.size(0), cnhw.size(1), cnhw.size(2), cnhw.size(3));
        p.interior().assign(cnhw);
        p.zeroBorder();
        return p;
    }

    /** Planes of the same images with another channel count, to be written. */
    Planes like(long channelCount) {
        return uninitialized(channelCount, batch, height, width);
    }

    /** Cells per channel: N * (H+2) * (W+2). */
    long cells() {
        return batch * rows * cols;
    }

    /** The (C, N*(H+2)*(W+2)) cell matrix, contiguous. */
    INDArray matrix() {
        return flat.get(NDArrayIndex.interval(margin, margin + channels * cells())).reshape('c', channels, cells());
    }

    /** The (C, N, H+2, W+2) cells, contiguous. */
    INDArray grid() {
        return matrix().reshape('c', channels, batch, rows, cols);
    }

    /** The (C, N, H, W) image values (a strided view). */
    INDArray interior() {
        return grid().get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, rows - 1), NDArrayIndex.interval(1, cols - 1));
    }

    /**
     * The cell matrix shifted by dy rows and dx columns (|dy|, |dx| <= 1): entry (c, k) is the cell
     * dy rows below and dx columns right of cell k. A (C, cells) view with leading dimension cells().
     */
    INDArray shifted(long dy, long dx) {
        long start = margin + dy * cols + dx;
        INDArray window = flat.get(NDArrayIndex.interval(start, start + channels * cells()));
        return window.reshape('c', channels, cells());
    }

    /** Sets the border cells of every image of every channel to zero (restores the padding). */
    void zeroBorder() {
        INDArray g = grid();
        INDArrayIndex all = NDArrayIndex.all();
        g.get(all, all, NDArrayIndex.point(0), all).assign(0);
        g.get(all, all, NDArrayIndex.point(rows - 1), all).assign(0);
        g.get(all, all, all, NDArrayIndex.point(0)).assign(0);
        g.get(all, all, all, NDArrayIndex.point(cols - 1)).assign(0);
    }

    /** The images as a (N, C, H, W) array in the current workspace. */
    INDArray toSampleMajor() {
        return interior().permute(1, 0, 2, 3).dup('c');
    }

    /** Copies these planes into the workspace {@code id} (the enclosing stage's), as a block's output. */
    Planes leverageTo(String id) {
        INDArray moved = flat.leverageTo(id);
        return moved == flat ? this : new Planes(this, moved);
    }

    private Planes(Planes shape, INDArray flat) {
        this.channels = shape.channels;
        this.batch = shape.batch;
        this.height = shape.height;
        this.width = shape.width;
        this.rows = shape.rows;
        this.cols = shape.cols;
        this.margin = shape.margin;
        this.flat = flat;
    }
}
