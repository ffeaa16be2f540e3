package org.lit.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** IEEE half and bfloat16 conversions, rounding to nearest even (Java 17 has neither). */
public final class Half {
    private Half() {
    }

    /** Every half's float value: decoding a latent row becomes one table load per element. */
    private static final class Table {
        static final float[] FLOATS = new float[1 << 16];

        static {
            for (int h = 0; h < FLOATS.length; h++) FLOATS[h] = toFloat((short) h);
        }
    }

    /** Decodes n little-endian halves from src (from its position, which advances) into dst[off, off + n). */
    public static void toFloats(ByteBuffer src, float[] dst, int off, int n) {
        ByteBuffer b = src.order() == ByteOrder.LITTLE_ENDIAN ? src : src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] table = Table.FLOATS;
        for (int i = 0; i < n; i++) dst[off + i] = table[b.getShort() & 0xffff];
        if (b != src) src.position(b.position());
    }

    /** Encodes src[off, off + n) as little-endian halves into dst (from its position, which advances). */
    public static void fromFloats(float[] src, int off, int n, ByteBuffer dst) {
        ByteBuffer b = dst.order() == ByteOrder.LITTLE_ENDIAN ? dst : dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putShort(fromFloat(src[off + i]));
        if (b != dst) dst.position(b.position());
    }

    public static float toFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        float abs = Math.abs(f);
        if (Float.isNaN(f)) return (short) (sign | 0x7e00);
        if (abs >= 65520f) return (short) (sign | 0x7c00);            // rounds to infinity
        if (abs < 0x1p-14f) {                                          // subnormal half
            int m = (int) Math.rint(abs * 0x1p24f);
            return (short) (sign | m);
        }
        int e = ((bits >>> 23) & 0xff) - 112;
        int mant = bits & 0x7fffff;
        int half = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) half++;
        return (short) (sign | half);
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
