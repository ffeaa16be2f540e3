package org.lit.core.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian bytes to and from INDArrays of a given element type, half precisions included. */
public final class DTypes {
    private DTypes() {
    }

    public static int size(DataType t) {
        return switch (t) {
            case DOUBLE, LONG -> 8;
            case FLOAT, INT -> 4;
            case HALF, BFLOAT16, SHORT -> 2;
            case UBYTE, BYTE, BOOL -> 1;
            default -> throw new IllegalArgumentException("unsupported element type " + t);
        };
    }

    /** Decodes count elements from buf (little-endian) into a c-order array of the given shape. */
    public static INDArray decode(ByteBuffer buf, DataType t, long[] shape) {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        int n = Math.toIntExact(count(shape));
        INDArray out = switch (t) {
            case FLOAT -> {
                float[] v = new float[n];
                b.asFloatBuffer().get(v);
                yield Nd4j.create(v, shape, 'c');
            }
            case DOUBLE -> {
                double[] v = new double[n];
                b.asDoubleBuffer().get(v);
                yield Nd4j.create(v, shape, 'c');
            }
            case HALF, BFLOAT16 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = t == DataType.HALF ? Half.toFloat(b.getShort()) : Half.bf16ToFloat(b.getShort());
                yield Nd4j.create(v, shape, 'c').castTo(t);
            }
            case LONG -> {
                long[] v = new long[n];
                b.asLongBuffer().get(v);
                yield Nd4j.createFromArray(v).reshape('c', shape);
            }
            case INT -> {
                int[] v = new int[n];
                b.asIntBuffer().get(v);
                yield Nd4j.createFromArray(v).reshape('c', shape);
            }
            case SHORT -> {
                short[] v = new short[n];
                b.asShortBuffer().get(v);
                yield Nd4j.createFromArray(v).reshape('c', shape);
            }
            case UBYTE, BYTE, BOOL -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = t == DataType.BYTE ? b.get() : Byte.toUnsignedInt(b.get());
                yield Nd4j.createFromArray(v).reshape('c', shape).castTo(t);
            }
            default -> throw new IllegalArgumentException("unsupported element type " + t);
        };
        return shape.length == 0 ? out.reshape(new long[0]) : out;
    }

    /** Encodes the array's elements in c order, little-endian. */
    public static byte[] encode(INDArray a) {
        DataType t = a.dataType();
        INDArray c = a.dup('c');
        int n = Math.toIntExact(c.length());
        ByteBuffer b = ByteBuffer.allocate(n * size(t)).order(ByteOrder.LITTLE_ENDIAN);
        switch (t) {
            case FLOAT -> b.asFloatBuffer().put(c.data().asFloat());
            case DOUBLE -> b.asDoubleBuffer().put(c.data().asDouble());
            case HALF, BFLOAT16 -> {
                for (float f : c.castTo(DataType.FLOAT).data().asFloat()) b.putShort(t == DataType.HALF ? Half.fromFloat(f) : Half.floatToBf16(f));
            }
            case LONG -> b.asLongBuffer().put(c.data().asLong());
            case INT -> b.asIntBuffer().put(c.data().asInt());
            case SHORT -> {
                for (int v : c.data().asInt()) b.putShort((short) v);
            }
            case UBYTE, BYTE, BOOL -> {
                for (int v : c.castTo(DataType.INT).data().asInt()) b.put((byte) v);
            }
            default -> throw new IllegalArgumentException("unsupported element type " + t);
        }
        return b.array();
    }

    public static long count(long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }
}
