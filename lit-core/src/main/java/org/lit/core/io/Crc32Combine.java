package org.lit.core.io;

/**
 * The CRC-32 of A followed by B from the CRC-32s of A and B and B's length (zlib's crc32_combine,
 * by GF(2) matrix powers of the one-zero-bit operator). A STORED zip member's CRC must precede its
 * data; with this, a file assembled from parts that each know their own CRC is written in one pass.
 */
public final class Crc32Combine {
    private static final long POLY = 0xEDB88320L;

    private Crc32Combine() {
    }

    public static long combine(long crcA, long crcB, long lengthB) {
        if (lengthB <= 0) return crcA;
        long[] odd = new long[32];
        long[] even = new long[32];
        odd[0] = POLY;                                  // operator for one zero bit
        for (int n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
        square(even, odd);                              // two zero bits
        square(odd, even);                              // four zero bits
        long crc = crcA;
        long len = lengthB;
        do {                                            // apply len zero bytes to crcA
            square(even, odd);
            if ((len & 1) != 0) crc = times(even, crc);
            len >>= 1;
            if (len == 0) break;
            square(odd, even);
            if ((len & 1) != 0) crc = times(odd, crc);
            len >>= 1;
        } while (len != 0);
        return (crc ^ crcB) & 0xFFFFFFFFL;
    }

    private static long times(long[] mat, long vec) {
        long sum = 0;
        for (int i = 0; vec != 0; i++, vec >>>= 1) {
            if ((vec & 1) != 0) sum ^= mat[i];
        }
        return sum;
    }

    private static void square(long[] out, long[] mat) {
        for (int n = 0; n < 32; n++) out[n] = times(mat, mat[n]);
    }
}
