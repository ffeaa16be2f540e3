package org.lit.data;

/**
 * Pillow's resize of an 8-bit RGB image (libImaging/Resample.c, Pillow 9.4), reproduced to the bit:
 * filter weights in double, normalised by their sum, turned into 22-bit fixed point with
 * round-half-away-from-zero, accumulated in int from a bias of one half, and shifted back with
 * clipping to [0, 255]. A horizontal pass over the rows the vertical pass reads comes first, then
 * the vertical pass. Every detail matters for parity: a weight computed in float, or the passes
 * swapped, moves a few percent of pixels by one level.
 */
final class PilResample {
    /** Resample.c's PRECISION_BITS: 32 bits minus 8 for the value and 2 for overshoot of negative lobes. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** The two filters ADM's crop uses, with Pillow's supports. */
    enum Filter {
        /** Pillow's box_filter: 1 on (-0.5, 0.5], support 0.5. */
        BOX(0.5) {
            @Override
            double weight(double x) {
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            }
        },
        /** Pillow's bicubic_filter (Keys' cubic convolution, a = -0.5), support 2; the expressions keep Pillow's evaluation order. */
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                final double a = -0.5;
                if (x < 0.0) x = -x;
                if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
                return 0.0;
            }
        };

        final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double weight(double x);
    }

    /** Per output position: first input index, number of taps, and fixed-point weights (ksize apart). */
    private record Coefficients(int[] start, int[] taps, int[] weights, int ksize) {
    }

    private PilResample() {
    }

    /**
     * hwc (height x width x 3 bytes) resized to outWidth x outHeight with filter f, as
     * {@code Image.resize((outWidth, outHeight), f)} on an RGB image. Same size is a copy, as Image.resize.
     */
    static byte[] resize(byte[] hwc, int width, int height, int outWidth, int outHeight, Filter f) {
        if (width == outWidth && height == outHeight) return hwc.clone();
        Coefficients vertical = coefficients(height, outHeight, f);
        // The rows the vertical pass reads (ImagingResampleInner's ybox_first .. ybox_last).
        int firstRow = vertical.start[0];
        int lastRow = vertical.start[outHeight - 1] + vertical.taps[outHeight - 1];
        byte[] rows;
        int rowsWidth;
        if (outWidth != width) {
            rows = horizontal(hwc, width, firstRow, lastRow, outWidth, coefficients(width, outWidth, f));
            rowsWidth = outWidth;
        } else {
            rows = hwc;
            rowsWidth = width;
            firstRow = 0;
        }
        if (outHeight == height) return rows;
        return vertical(rows, rowsWidth, firstRow, outHeight, vertical);
    }

    /** Resample.c precompute_coeffs for the box (0, inSize), then normalize_coeffs_8bpc. */
    private static Coefficients coefficients(int inSize, int outSize, Filter f) {
        double scale = (double) ((float) inSize - 0f) / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = f.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize], taps = new int[outSize], weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = 0 + (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            // C's (int) cast truncates toward zero, as Java's does
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = f.weight((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double kx = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = kx < 0 ? (int) (-0.5 + kx * (1 << PRECISION_BITS)) : (int) (0.5 + kx * (1 << PRECISION_BITS));
            }
            start[xx] = xmin;
            taps[xx] = xmax;
        }
        return new Coefficients(start, taps, weights, ksize);
    }

    /** ImagingResampleHorizontal_8bpc on rows [firstRow, lastRow) of the input. */
    private static byte[] horizontal(byte[] in, int width, int firstRow, int lastRow, int outWidth, Coefficients c) {
        byte[] out = new byte[(lastRow - firstRow) * outWidth * 3];
        for (int y = firstRow; y < lastRow; y++) {
            int rowIn = y * width * 3, rowOut = (y - firstRow) * outWidth * 3;
            for (int xx = 0; xx < outWidth; xx++) {
                int xmin = c.start[xx], taps = c.taps[xx], kOff = xx * c.ksize;
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                for (int x = 0; x < taps; x++) {
                    int k = c.weights[kOff + x], p = rowIn + (x + xmin) * 3;
                    s0 += (in[p] & 0xff) * k;
                    s1 += (in[p + 1] & 0xff) * k;
                    s2 += (in[p + 2] & 0xff) * k;
                }
                out[rowOut + xx * 3] = clip8(s0);
                out[rowOut + xx * 3 + 1] = clip8(s1);
                out[rowOut + xx * 3 + 2] = clip8(s2);
            }
        }
        return out;
    }

    /** ImagingResampleVertical_8bpc; input row r holds source row r + firstRow (the horizontal pass's crop). */
    private static byte[] vertical(byte[] in, int width, int firstRow, int outHeight, Coefficients c) {
        byte[] out = new byte[outHeight * width * 3];
        for (int yy = 0; yy < outHeight; yy++) {
            int ymin = c.start[yy] - firstRow, taps = c.taps[yy], kOff = yy * c.ksize;
            for (int xx = 0; xx < width; xx++) {
                int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
                for (int y = 0; y < taps; y++) {
                    int k = c.weights[kOff + y], p = ((y + ymin) * width + xx) * 3;
                    s0 += (in[p] & 0xff) * k;
                    s1 += (in[p + 1] & 0xff) * k;
                    s2 += (in[p + 2] & 0xff) * k;
                }
                int o = (yy * width + xx) * 3;
                out[o] = clip8(s0);
                out[o + 1] = clip8(s1);
                out[o + 2] = clip8(s2);
            }
        }
        return out;
    }

    /** Resample.c clip8: the accumulator shifted back (arithmetic shift, as C's on int), clipped to a byte. */
    private static byte clip8(int accumulator) {
        int v = accumulator >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }
}
