package org.lit.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/** An array's values in C order copied to Java arrays and back, for the CPU kernels: one bulk copy per row. */
final class Floats {
    private Floats() {
    }

    /** A C-order array as rows of the given length (one bulk copy each). */
    static float[][] rows(INDArray x, int length) {
        INDArray c = x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
        FloatBuffer buffer = c.data().asNioFloat();
        buffer.position((int) c.offset());
        float[][] rows = new float[(int) (c.length() / length)][length];
        for (float[] row : rows) buffer.get(row);
        return rows;
    }

    /** Rows back into a new array of this shape (C order). */
    static INDArray fromRows(float[][] rows, long[] shape) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape);
        FloatBuffer buffer = out.data().asNioFloat();
        buffer.position((int) out.offset());
        for (float[] row : rows) buffer.put(row);
        return out;
    }

    /** The whole array as one row (DataBuffer.getFloatsAt would copy value by value). */
    static float[] of(INDArray x) {
        return rows(x, (int) x.length())[0];
    }
}
