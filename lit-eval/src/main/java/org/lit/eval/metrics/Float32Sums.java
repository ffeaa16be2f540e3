package org.lit.eval.metrics;

/**
 * numpy's float32 sum of a contiguous run (np.add.reduce over the last axis, and of a 1-d array): the
 * pairwise summation of numpy's loops_utils.h, accumulating in float32. Reproducing its order is what
 * lets the Inception Score agree with ADM's float32 numpy arithmetic to a few float32 ulps.
 */
final class Float32Sums {
    /** numpy's PW_BLOCKSIZE: runs up to this length are summed with 8 accumulators. */
    private static final int BLOCK = 128;

    private Float32Sums() {
    }

    static float pairwise(float[] a, int off, int n) {
        if (n < 8) {
            float s = 0f;
            for (int i = 0; i < n; i++) s += a[off + i];
            return s;
        }
        if (n <= BLOCK) {
            float r0 = a[off], r1 = a[off + 1], r2 = a[off + 2], r3 = a[off + 3];
            float r4 = a[off + 4], r5 = a[off + 5], r6 = a[off + 6], r7 = a[off + 7];
            int i = 8;
            for (; i < n - n % 8; i += 8) {
                r0 += a[off + i];
                r1 += a[off + i + 1];
                r2 += a[off + i + 2];
                r3 += a[off + i + 3];
                r4 += a[off + i + 4];
                r5 += a[off + i + 5];
                r6 += a[off + i + 6];
                r7 += a[off + i + 7];
            }
            float s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) s += a[off + i];
            return s;
        }
        int half = n / 2;
        half -= half % 8;
        return pairwise(a, off, half) + pairwise(a, off + half, n - half);
    }
}
