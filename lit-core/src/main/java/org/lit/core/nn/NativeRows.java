package org.lit.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A float32 matrix in ND4J's native memory, read and written in place by {@link VectorKernels}:
 * element (r, c) is at byte (offset + r * stride + c) * 4 of the array's whole buffer (ND4J keeps
 * views' offsets in the array, not in the buffer). No copy: the kernels' gain over a chain of ND4J
 * ops is fewer passes over memory, which a copy would spend again.
 */
final class NativeRows {
    final ByteBuffer bytes;
    /**
     * Keeps the array, and so its memory, alive while a kernel uses this: the ByteBuffer holds no
     * reference to it, and ND4J frees an array's memory once the garbage collector finds it unreachable.
     */
    private final INDArray owner;
    final int rows;
    final int cols;
    private final long offset;
    private final long stride;

    private NativeRows(INDArray x, int rows, int cols, long stride) {
        if (x.dataType() != DataType.FLOAT) throw new IllegalArgumentException("vector kernels take float32, got " + x.dataType());
        this.owner = x;
        this.bytes = x.data().pointer().asByteBuffer().order(ByteOrder.nativeOrder());
        this.rows = rows;
        this.cols = cols;
        this.offset = x.offset();
        this.stride = stride;
    }

    /** A 2-D array whose rows may be strided (such as one chunk of the adaLN output) but whose columns are adjacent. */
    static NativeRows of(INDArray x) {
        if (x.rank() != 2 || (x.size(1) > 1 && x.stride(1) != 1)) throw new IllegalArgumentException("not a matrix with adjacent columns: shape " + java.util.Arrays.toString(x.shape()));
        return new NativeRows(x, (int) x.size(0), (int) x.size(1), x.size(0) > 1 ? x.stride(0) : x.size(1));
    }

    /** A C-contiguous array of any rank as one row. */
    static NativeRows flat(INDArray x) {
        if (!contiguous(x)) throw new IllegalArgumentException("not a C-contiguous array: shape " + java.util.Arrays.toString(x.shape()));
        return new NativeRows(x, 1, (int) x.length(), x.length());
    }

    static boolean contiguous(INDArray x) {
        return x.ordering() == 'c' && x.elementWiseStride() == 1;
    }

    /** Whether the kernels can take these arrays as they are: float32, C-contiguous, rows of whole vectors. */
    static boolean usable(INDArray... xs) {
        for (INDArray x : xs) {
            if (x.dataType() != DataType.FLOAT || !contiguous(x) || !VectorKernels.fits(x.size(x.rank() - 1))) return false;
        }
        return true;
    }

    /**
     * Whether the kernels can take x as it lies: a float32 matrix whose columns are adjacent (its rows
     * may be strided, such as a column range of a wider array), in units of this many columns that
     * are whole vectors.
     */
    static boolean usableRows(INDArray x, long unit) {
        return x.dataType() == DataType.FLOAT && x.rank() == 2 && x.stride(1) == 1 && VectorKernels.fits(unit);
    }

    /** Byte index of element (r, c). */
    int at(int r, int c) {
        return (int) ((offset + r * stride + c) << 2);
    }
}
