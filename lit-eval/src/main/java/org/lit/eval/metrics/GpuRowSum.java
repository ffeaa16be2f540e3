package org.lit.eval.metrics;

import org.lit.core.io.Half;

/**
 * tf.reduce_sum(x, axis=1) as TensorFlow 2.x computes it on a GPU, in the input's own precision: its
 * GPU Sum kernel has no float accumulator for half (only Mean has one), so every addition of a float16
 * sum rounds to float16, and the order of the additions decides the result.
 *
 * <p>The order (TF's reduction_gpu_kernels.cu.h, CUB's AgentReduce): rows of 1024 columns or more go to
 * CUB's segmented reduce, one 256-thread block per row; a row shorter than a tile (8192 halves, 4096
 * floats) is a partial tile, where thread t adds columns t, t+256, t+512, ... left to right; each warp of
 * 32 threads then reduces its partial sums as a binary tree (lane i takes lane i+1, then i+2, i+4, ...),
 * and thread 0 adds the 8 warp sums in warp order. Shorter rows go to TF's RowReduceKernel: one warp
 * per row, lane l adding columns l, l+32, ..., then the same warp tree.
 */
final class GpuRowSum {
    private static final int BLOCK_THREADS = 256;
    private static final int WARP = 32;
    private static final int SEGMENTED_FROM = 1024;

    private GpuRowSum() {
    }

    /** The sum of x[off, off + n), every addition rounded to float16 when half is set, else float32. */
    static float sum(float[] x, int off, int n, boolean half) {
        int threads = n >= SEGMENTED_FROM ? BLOCK_THREADS : WARP;
        int width = Math.min(threads, n);
        float[] partial = new float[width];
        for (int t = 0; t < width; t++) {
            float s = x[off + t];
            for (int c = t + threads; c < n; c += threads) s = add(s, x[off + c], half);
            partial[t] = s;
        }
        float total = 0;
        for (int w = 0; w < width; w += WARP) {
            float warpSum = warpTree(partial, w, Math.min(WARP, width - w), half);
            total = w == 0 ? warpSum : add(total, warpSum, half);
        }
        return total;
    }

    private static float warpTree(float[] p, int from, int lanes, boolean half) {
        for (int offset = 1; offset < lanes; offset *= 2) {
            for (int i = 0; i + offset < lanes; i += 2 * offset) p[from + i] = add(p[from + i], p[from + i + offset], half);
        }
        return p[from];
    }

    private static float add(float a, float b, boolean half) {
        return half ? Half.round(a + b) : a + b;
    }
}
