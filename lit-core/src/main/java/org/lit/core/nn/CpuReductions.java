package org.lit.core.nn;

import java.util.stream.IntStream;

/** Reductions over token matrices on the CPU, as Java loops over float arrays (see {@link CpuKernels}). */
final class CpuReductions {
    private static final int CHUNK = 64;

    private CpuReductions() {
    }

    /**
     * Sums over rows of a (rows, cols) C-order matrix: runs of 64 rows summed in float, the runs
     * added in double, as the portable path's (N/64, 64, D) reduce orders them. The columns are cut
     * into one block per core; each block's inner loop is contiguous, so C2 vectorises it.
     */
    static float[] columnSums(float[] x, int rows, int cols) {
        int blocks = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), cols / CHUNK));
        float[] out = new float[cols];
        IntStream.range(0, blocks).parallel().forEach(block -> {
            int from = (int) ((long) cols * block / blocks), to = (int) ((long) cols * (block + 1) / blocks), width = to - from;
            double[] total = new double[width];
            float[] run = new float[width];
            for (int r0 = 0; r0 < rows; r0 += CHUNK) {
                java.util.Arrays.fill(run, 0f);
                for (int r = r0; r < Math.min(rows, r0 + CHUNK); r++) {
                    int at = r * cols + from;
                    for (int c = 0; c < width; c++) run[c] += x[at + c];
                }
                for (int c = 0; c < width; c++) total[c] += run[c];
            }
            for (int c = 0; c < width; c++) out[from + c] = (float) total[c];
        });
        return out;
    }
}
