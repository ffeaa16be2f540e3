package org.lit.core.nn;

import java.util.stream.IntStream;

/**
 * LiT's depth-wise convolution on the CPU: loops over NHWC float arrays, the channel loop innermost
 * (contiguous in every array, so C2 turns it into SIMD), rows of the output split over the cores.
 * One pass per tap over the input instead of ND4J's strided view, multiply, add and copy per tap.
 * Taps are (k*k, C): tap t = (dy, dx) of every channel, the filters already tiled over heads.
 */
final class CpuDepthwise {
    private CpuDepthwise() {
    }

    /**
     * out[b, y, x, c] += sum over taps (dy, dx) of taps[t, c] * in[b, y + dy - k/2, x + dx - k/2, c]
     * (zero outside the image); flip: tap t read as tap k*k-1-t, the transposed convolution.
     */
    static void correlate(float[] in, float[] taps, int batch, int side, int channels, int kernel, boolean flip, float[] out) {
        int pad = kernel / 2, last = kernel * kernel - 1;
        IntStream.range(0, batch * side).parallel().forEach(row -> {
            int b = row / side, y = row % side;
            for (int x = 0; x < side; x++) {
                int o = ((row * side) + x) * channels;
                for (int dy = 0; dy < kernel; dy++) {
                    int iy = y + dy - pad;
                    if (iy < 0 || iy >= side) continue;
                    for (int dx = 0; dx < kernel; dx++) {
                        int ix = x + dx - pad;
                        if (ix < 0 || ix >= side) continue;
                        int i = ((b * side + iy) * side + ix) * channels;
                        int t = (flip ? last - (dy * kernel + dx) : dy * kernel + dx) * channels;
                        for (int c = 0; c < channels; c++) out[o + c] += taps[t + c] * in[i + c];
                    }
                }
            }
        });
    }

    /** dTaps[t, c] = sum over pixels of grad[b, y, x, c] * in[b, y + dy - k/2, x + dx - k/2, c]; one tap per task. */
    static float[] tapGradients(float[] in, float[] grad, int batch, int side, int channels, int kernel) {
        int pad = kernel / 2;
        float[] dTaps = new float[kernel * kernel * channels];
        IntStream.range(0, kernel * kernel).parallel().forEach(t -> {
            int dy = t / kernel, dx = t % kernel, d = t * channels;
            for (int b = 0; b < batch; b++) {
                for (int y = Math.max(0, pad - dy); y < Math.min(side, side + pad - dy); y++) {
                    for (int x = Math.max(0, pad - dx); x < Math.min(side, side + pad - dx); x++) {
                        int o = ((b * side + y) * side + x) * channels;
                        int i = ((b * side + y + dy - pad) * side + x + dx - pad) * channels;
                        for (int c = 0; c < channels; c++) dTaps[d + c] += grad[o + c] * in[i + c];
                    }
                }
            }
        });
        return dTaps;
    }
}
