package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/** An array's values in C order as a Java float[] (a copy), for the CPU kernels. */
final class Floats {
    private Floats() {
    }

    static float[] of(INDArray x) {
        INDArray c = x.isView() || x.ordering() != 'c' ? x.dup('c') : x;
        float[] out = new float[(int) c.length()];
        // One bulk copy out of the off-heap buffer (DataBuffer.getFloatsAt goes value by value).
        FloatBuffer buffer = c.data().asNioFloat();
        buffer.position((int) c.offset());
        buffer.get(out);
        return out;
    }
}
