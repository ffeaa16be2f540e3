package org.lit.eval.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Feature rows held in memory as float32, appended a batch at a time in sample order: the rows that
 * precision/recall (all pairs) and the Inception Score need whole. 50,000 pool_3 rows take 400 MB.
 */
public final class FeatureRows {
    private final int dim;
    private float[] data;
    private int rows;

    public FeatureRows(int dim) {
        this(dim, 1024);
    }

    /** With room for expectedRows rows up front (no copying while they arrive). */
    public FeatureRows(int dim, int expectedRows) {
        if (dim <= 0 || expectedRows < 0) throw new IllegalArgumentException("bad feature rows: dim " + dim + ", expected rows " + expectedRows);
        this.dim = dim;
        this.data = new float[Math.multiplyExact(dim, Math.max(expectedRows, 1))];
    }

    /** Appends a batch, [rows, dim] of any floating type; returns this. */
    public FeatureRows add(INDArray batch) {
        if (batch.rank() != 2 || batch.size(1) != dim) {
            throw new IllegalArgumentException("feature batch has shape " + Arrays.toString(batch.shape()) + ", expected [rows, " + dim + "]");
        }
        int n = (int) batch.size(0);
        long need = (long) (rows + n) * dim;
        if (need > Integer.MAX_VALUE - 8) throw new IllegalArgumentException((rows + n) + " rows of " + dim + " floats do not fit one Java array");
        if (need > data.length) data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * data.length)));
        float[] x = batch.castTo(DataType.FLOAT).dup('c').data().asFloat();
        System.arraycopy(x, 0, data, rows * dim, n * dim);
        rows += n;
        return this;
    }

    public int rows() {
        return rows;
    }

    public int dim() {
        return dim;
    }

    /** Element (row, col). */
    float get(int row, int col) {
        return data[row * dim + col];
    }

    /** Rows [from, to) as a [to - from, dim] float array. */
    public INDArray slice(int from, int to) {
        return Nd4j.create(Arrays.copyOfRange(data, from * dim, to * dim), new long[] {to - from, dim}, DataType.FLOAT);
    }

    /** Rows [from, to) flattened, each value passed through op (the float16 rounding of the distance blocks). */
    float[] copy(int from, int to, FloatOp op) {
        float[] out = new float[(to - from) * dim];
        for (int i = 0, k = from * dim; i < out.length; i++, k++) out[i] = op.apply(data[k]);
        return out;
    }

    interface FloatOp {
        float apply(float x);
    }
}
