package org.lit.core.nn;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

import static org.lit.core.nn.VectorKernels.F;
import static org.lit.core.nn.VectorKernels.LANES;
import static org.lit.core.nn.VectorKernels.load;
import static org.lit.core.nn.VectorKernels.parallel;
import static org.lit.core.nn.VectorKernels.store;

/** LiT's depth-wise convolution as CPU kernels, on the primitives and rules of {@link VectorKernels}. */
final class DepthwiseKernels {
    private DepthwiseKernels() {
    }

    /**
     * LiT's depth-wise convolution of images (B, S, S, C) held as token rows (B*S*S, C):
     * out[p] = bias + the sum over taps t = (dy, dx) of taps[t] * in[p + (dy - k/2, dx - k/2)], zero
     * outside the image; taps is (k*k, C) and bias (C), both tiled over heads. Sums build up in a
     * row-sized array, not in a vector carried across the tap loops: C2 boxes such a vector (an
     * allocation per tap, 5x slower in a microbenchmark here).
     */
    static void depthwise(NativeRows in, int batch, int side, int k, float[] taps, float[] bias, NativeRows out) {
        int cols = in.cols, half = k / 2;
        parallel(batch * side, 1, (first, last) -> {
            float[] acc = new float[cols];
            for (int image = first; image < last; image++) {
                int y = image % side;
                for (int x = 0; x < side; x++) {
                    int p = image * side + x;
                    System.arraycopy(bias, 0, acc, 0, cols);
                    for (int dy = Math.max(0, half - y); dy < Math.min(k, side + half - y); dy++) {
                        for (int dx = Math.max(0, half - x); dx < Math.min(k, side + half - x); dx++) {
                            int q = p + (dy - half) * side + dx - half, t = (dy * k + dx) * cols;
                            for (int c = 0; c < cols; c += LANES) {
                                load(in, q, c).fma(FloatVector.fromArray(F, taps, t + c), FloatVector.fromArray(F, acc, c)).intoArray(acc, c);
                            }
                        }
                    }
                    for (int c = 0; c < cols; c += LANES) store(FloatVector.fromArray(F, acc, c), out, p, c);
                }
            }
        });
    }

    /**
     * The backward of {@link #depthwise} from grad: dIn[q] = the sum over taps of taps[t] * grad[q - shift t]
     * (into dIn), and, accumulated into the (k*k, C) and (C) arrays, dTaps[t] += the sum over pixels p of
     * grad[p] * in[p + shift t] and dBias += the sum of grad.
     */
    static void depthwiseBackward(NativeRows in, NativeRows grad, int batch, int side, int k, float[] taps,
                                  NativeRows dIn, float[] dTaps, float[] dBias) {
        int cols = in.cols, half = k / 2;
        float[][] sampleTaps = new float[batch][dTaps.length], sampleBias = new float[batch][cols];   // per sample, added in order below
        parallel(batch, 1, (first, last) -> {
            float[] acc = new float[cols];
            for (int b = first; b < last; b++) {
                float[] dT = sampleTaps[b], dB = sampleBias[b];
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        int p = (b * side + y) * side + x;
                        for (int c = 0; c < cols; c += LANES) FloatVector.fromArray(F, dB, c).add(load(grad, p, c)).intoArray(dB, c);
                        // taps that read a pixel inside the image from output p
                        for (int dy = Math.max(0, half - y); dy < Math.min(k, side + half - y); dy++) {
                            for (int dx = Math.max(0, half - x); dx < Math.min(k, side + half - x); dx++) {
                                int q = p + (dy - half) * side + dx - half, t = (dy * k + dx) * cols;
                                for (int c = 0; c < cols; c += LANES) {
                                    load(grad, p, c).fma(load(in, q, c), FloatVector.fromArray(F, dT, t + c)).intoArray(dT, t + c);
                                }
                            }
                        }
                        // outputs inside the image that read input p, tap by tap
                        Arrays.fill(acc, 0);
                        for (int dy = Math.max(0, y + half - side + 1); dy < Math.min(k, y + half + 1); dy++) {
                            for (int dx = Math.max(0, x + half - side + 1); dx < Math.min(k, x + half + 1); dx++) {
                                int o = p - (dy - half) * side - (dx - half), t = (dy * k + dx) * cols;
                                for (int c = 0; c < cols; c += LANES) {
                                    load(grad, o, c).fma(FloatVector.fromArray(F, taps, t + c), FloatVector.fromArray(F, acc, c)).intoArray(acc, c);
                                }
                            }
                        }
                        for (int c = 0; c < cols; c += LANES) store(FloatVector.fromArray(F, acc, c), dIn, p, c);
                    }
                }
            }
        });
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < dTaps.length; i += LANES) FloatVector.fromArray(F, dTaps, i).add(FloatVector.fromArray(F, sampleTaps[b], i)).intoArray(dTaps, i);
            for (int c = 0; c < cols; c += LANES) FloatVector.fromArray(F, dBias, c).add(FloatVector.fromArray(F, sampleBias[b], c)).intoArray(dBias, c);
        }
    }
}
