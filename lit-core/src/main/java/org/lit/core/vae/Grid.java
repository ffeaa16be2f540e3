package org.lit.core.vae;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Zero-bordered images laid out for convolution by shifted GEMMs. Every channel is one flat row
 * holding the N images of rows x cols cells one after another, plus a zero tail. A kernel tap
 * (dy, dx) then reads, for every output cell at once, the same row shifted by dy*cols + dx: a plain
 * matrix view (C, N*rows*cols) with a leading dimension, which BLAS multiplies without any im2col
 * copy. Output cells whose window runs past an image's edge land on that image's last rows/columns
 * of the (O, N, rows, cols) result and are cropped off ({@link #valid}).
 */
final class Grid {
    final long channels;
    final long batch;
    final long rows;
    final long cols;
    /** (C, N*rows*cols + tail), zero outside what callers write. */
    final INDArray flat;

    private Grid(long channels, long batch, long rows, long cols, long reach) {
        this.channels = channels;
        this.batch = batch;
        this.rows = rows;
        this.cols = cols;
        this.flat = Nd4j.zeros(DataType.FLOAT, channels, cells() + reach * cols + reach);
    }

    /** A grid whose taps reach up to {@code reach} rows down and columns right of a cell. */
    static Grid of(long channels, long batch, long rows, long cols, long reach) {
        return new Grid(channels, batch, rows, cols, reach);
    }

    long cells() {
        return batch * rows * cols;
    }

    /** The (C, N, rows, cols) view of the grid's cells. */
    INDArray cellsView() {
        return flat.get(NDArrayIndex.all(), NDArrayIndex.interval(0, cells())).reshape('c', channels, batch, rows, cols);
    }

    /** The window (C, N, h, w) whose top-left cell is (top, left) in every image. */
    INDArray window(long top, long left, long h, long w) {
        return cellsView().get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top, top + h), NDArrayIndex.interval(left, left + w));
    }

    /** The matrix tap (dy, dx) multiplies: every cell's value dy rows down and dx columns right. */
    INDArray shifted(long dy, long dx) {
        long offset = dy * cols + dx;
        return flat.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + cells()));
    }

    /** out (O, N*rows*cols) = sum over taps of weights[t] (O, C) times shifted(taps[t]). */
    void correlate(INDArray[] weights, long[][] taps, INDArray out) {
        for (int t = 0; t < taps.length; t++) {
            Nd4j.gemm(weights[t], shifted(taps[t][0], taps[t][1]), out, false, false, 1.0, t == 0 ? 0.0 : 1.0);
        }
    }

    /** The (O, N, h, w) cells of an (O, N*rows*cols) correlation that saw only real input. */
    static INDArray valid(INDArray out, long batch, long rows, long cols, long h, long w) {
        return out.reshape('c', out.size(0), batch, rows, cols)
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, h), NDArrayIndex.interval(0, w));
    }
}
