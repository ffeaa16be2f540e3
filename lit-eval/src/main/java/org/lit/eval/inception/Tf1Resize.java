package org.lit.eval.inception;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * TF1's ResizeBilinear as the 2015 Inception graph runs it in ADM's evaluator: align_corners=false, no half-pixel
 * centres (the attribute did not exist yet), no antialiasing, on float32 pixels in [0, 255]. Bit-identical to TF's CPU
 * kernel (tensorflow/core/kernels/image/resize_bilinear_op.cc): the same float32 operations in the same order, which
 * Java performs exactly as IEEE single precision without fusing multiply-adds. (libnd4j's resize_bilinear differs
 * by 1-2 ulp, REFERENCE.md 7.4.1, and FID moves with the resize: REFERENCE.md 7.1.2.)
 *
 * <p>Per axis, TF caches for each output index i: {@code pos = (float) i * (in / (float) out)}, the source rows or
 * columns {@code lower = floor(pos)} and {@code upper = min(ceil(pos), in - 1)}, and {@code lerp = pos - floor(pos)};
 * each output value is then {@code top + (bottom - top) * yLerp} of {@code top = tl + (tr - tl) * xLerp} and
 * {@code bottom = bl + (br - bl) * xLerp}. 512 -> 299 therefore takes plain 2x2 taps (aliasing), as the published
 * 512 px numbers do.
 */
public final class Tf1Resize {
    private Tf1Resize() {
    }

    /** (N, H, W, C) pixels of any numeric type (uint8 as ADM's images) -> (N, height, width, C) float32. */
    public static INDArray resize(INDArray nhwc, int height, int width) {
        if (nhwc.rank() != 4 || nhwc.isEmpty()) throw new IllegalArgumentException("images must be (N, H, W, C), got " + Arrays.toString(nhwc.shape()));
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("output size must be positive, got " + height + "x" + width);
        int n = (int) nhwc.size(0), inH = (int) nhwc.size(1), inW = (int) nhwc.size(2), c = (int) nhwc.size(3);
        if ((long) n * Math.max(inH * (long) inW, height * (long) width) * c > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many pixels for one resize call: " + Arrays.toString(nhwc.shape()) + "; resize fewer images at a time");
        }
        float[] in = (nhwc.dataType() == DataType.FLOAT ? nhwc.dup('c') : nhwc.castTo(DataType.FLOAT)).data().asFloat();
        float[] out = new float[n * height * width * c];
        Taps rows = Taps.of(inH, height);
        Taps cols = Taps.of(inW, width);
        // One image per task: the cores are otherwise idle while the JVM resizes (64 images at 256 px: 225 -> 190 ms on 2 cores).
        IntStream.range(0, n).parallel().forEach(b -> {
            int o = b * height * width * c;
            for (int y = 0; y < height; y++) {
                int top = (b * inH + rows.lower[y]) * inW * c;
                int bottom = (b * inH + rows.upper[y]) * inW * c;
                float yLerp = rows.lerp[y];
                for (int x = 0; x < width; x++) {
                    int left = cols.lower[x] * c;
                    int right = cols.upper[x] * c;
                    float xLerp = cols.lerp[x];
                    for (int ch = 0; ch < c; ch++) {
                        float topLeft = in[top + left + ch], topRight = in[top + right + ch];
                        float bottomLeft = in[bottom + left + ch], bottomRight = in[bottom + right + ch];
                        float topValue = topLeft + (topRight - topLeft) * xLerp;
                        float bottomValue = bottomLeft + (bottomRight - bottomLeft) * xLerp;
                        out[o++] = topValue + (bottomValue - topValue) * yLerp;
                    }
                }
            }
        });
        return Nd4j.create(out, new long[] {n, height, width, c}, DataType.FLOAT);   // a copy, as the CUDA backend needs it
    }

    /** TF's CachedInterpolation of one axis with the legacy scaler (compute_interpolation_weights). */
    private record Taps(int[] lower, int[] upper, float[] lerp) {
        static Taps of(int in, int out) {
            float scale = (float) in / (float) out;     // CalculateResizeScale, align_corners=false
            int[] lower = new int[out];
            int[] upper = new int[out];
            float[] lerp = new float[out];
            for (int i = 0; i < out; i++) {
                float pos = (float) i * scale;
                float floor = (float) Math.floor(pos);
                lower[i] = Math.max((int) floor, 0);
                upper[i] = Math.min((int) Math.ceil(pos), in - 1);
                lerp[i] = pos - floor;
            }
            return new Taps(lower, upper, lerp);
        }
    }
}
