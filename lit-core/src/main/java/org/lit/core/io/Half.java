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

    /**
     * Round to nearest even without a data-dependent branch for normal values (F. Giesen's
     * float_to_half_fast3_rtne): the rounding is an integer add of a bias and the odd bit, so a
     * shard of random latents converts at memory speed instead of mispredicting every other value.
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        int half;
        if (abs >= 0x47800000) {                                       // >= 65536 (or inf, NaN): inf, or a quiet NaN
            half = abs > 0x7f800000 ? 0x7e00 : 0x7c00;
        } else if (abs < 0x38800000) {                                 // below 2^-14: subnormal half (or zero)
            float aligned = Float.intBitsToFloat(abs) + 0.5f;          // 0.5f's ulp is 2^-24, the half's: the FPU rounds
            half = Float.floatToRawIntBits(aligned) - 0x3f000000;
        } else {                                                       // normal half; 65520 and up round to inf by carry
            half = (abs + ((15 - 127) << 23) + 0xfff + ((abs >>> 13) & 1)) >>> 13;
        }
        return (short) (sign | half);
    }

    /**
     * f rounded to the nearest half (ties to even) and returned as a float: what a float16 cast and back
     * gives, for code that computes in float16 (ADM's precision/recall distances) without packing 16-bit codes.
     */
    public static float round(float f) {
        int bits = Float.floatToRawIntBits(f);
        int abs = bits & 0x7fffffff;
        if (abs >= 0x477ff000) {                                       // >= 65520 (the tie to 2^16), inf, NaN
            return abs > 0x7f800000 ? f : Float.intBitsToFloat((bits & 0x80000000) | 0x7f800000);
        }
        if (abs < 0x38800000) return (float) (Math.rint(f * 0x1p24) * 0x1p-24);   // subnormal half: multiples of 2^-24
        int rounded = (abs + 0xfff + ((abs >>> 13) & 1)) & ~0x1fff;   // keep 10 mantissa bits, nearest even
        return Float.intBitsToFloat((bits & 0x80000000) | rounded);
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
