package org.lit.core.nn;

import java.util.stream.IntStream;

/**
 * LiT's depth-wise convolution on the CPU as loops over Java arrays. An image (B, S, S, C) is held
 * as B*S rows of S*C floats; for a column shift dx, a copy of the rows shifted by dx - k/2 pixels
 * (zeros where the shift leaves the image) lets tap (dy, dx) of output row y read shifted row
 * y + dy - k/2 at the output's own index. Every array in the inner loop is indexed by the same
 * j, the one form C2 turns into SIMD (with different offsets it stays scalar, about 5x slower).
 * Taps are tiled over a row, one array of S*C per tap.
 */
final class CpuDepthwise {
    private final int batch;
    private final int side;
    private final int channels;
    private final int kernel;

    CpuDepthwise(int batch, int side, int channels, int kernel) {
        this.batch = batch;
        this.side = side;
        this.channels = channels;
        this.kernel = kernel;
    }

    int rowLength() {
        return side * channels;
    }

    /** The rows shifted so that index j of output row y holds pixel x + dx - k/2 of the input row (zeros outside). */
    private float[][] shifted(float[][] rows, int dx) {
        int shift = (dx - kernel / 2) * channels, length = rowLength();
        if (shift == 0) return rows;
        float[][] s = new float[rows.length][length];
        for (int r = 0; r < rows.length; r++) {
            if (shift > 0) System.arraycopy(rows[r], shift, s[r], 0, length - shift);
            else System.arraycopy(rows[r], 0, s[r], -shift, length + shift);
        }
        return s;
    }

    /** (k*k, C) taps tiled along a row: tap t is repeated for each of the S pixels. */
    float[][] tiled(float[] taps) {
        float[][] out = new float[kernel * kernel][rowLength()];
        for (int t = 0; t < out.length; t++) {
            for (int x = 0; x < side; x++) System.arraycopy(taps, t * channels, out[t], x * channels, channels);
        }
        return out;
    }

    /**
     * out[b, y, x, c] += sum over taps (dy, dx) of taps[t, c] * in[b, y + dy - k/2, x + dx - k/2, c]
     * (zero outside the image); flip: tap t read as tap k*k-1-t, the transposed convolution. One
     * column shift at a time, so one shifted copy of the image is alive at once.
     */
    void correlate(float[][] rows, float[][] tiledTaps, boolean flip, float[][] out) {
        int pad = kernel / 2, last = kernel * kernel - 1, length = rowLength();
        for (int dx = 0; dx < kernel; dx++) {
            float[][] shiftedIn = shifted(rows, dx);
            int column = dx;
            IntStream.range(0, batch * side).parallel().forEach(row -> {
                int y = row % side;
                float[] o = out[row];
                for (int dy = 0; dy < kernel; dy++) {
                    int iy = y + dy - pad;
                    if (iy < 0 || iy >= side) continue;
                    float[] w = tiledTaps[flip ? last - (dy * kernel + column) : dy * kernel + column];
                    float[] in = shiftedIn[row + dy - pad];
                    for (int j = 0; j < length; j++) o[j] += w[j] * in[j];
                }
            });
        }
    }

    /** dTaps[t, c] = sum over pixels of grad[b, y, x, c] * in[b, y + dy - k/2, x + dx - k/2, c]; a task per tap of a column shift. */
    float[] tapGradients(float[][] rows, float[][] grad) {
        int pad = kernel / 2, length = rowLength();
        float[] dTaps = new float[kernel * kernel * channels];
        for (int dx = 0; dx < kernel; dx++) {
            float[][] shiftedIn = shifted(rows, dx);
            int column = dx;
            IntStream.range(0, kernel).parallel().forEach(dy -> {
                float[] acc = new float[length];
                for (int row = 0; row < batch * side; row++) {
                    int iy = row % side + dy - pad;
                    if (iy < 0 || iy >= side) continue;
                    float[] g = grad[row], in = shiftedIn[row + dy - pad];
                    for (int j = 0; j < length; j++) acc[j] += g[j] * in[j];
                }
                int t = (dy * kernel + column) * channels;
                for (int x = 0; x < side; x++) {
                    for (int c = 0; c < channels; c++) dTaps[t + c] += acc[x * channels + c];
                }
            });
        }
        return dTaps;
    }
}
