package org.lit.bench;

/**
 * y = a N + b N², fitted by least squares to values measured at token counts N: how softmax
 * attention's time and memory grow (the N² of the score matrix, the N of everything else), to
 * extrapolate a size too large to run.
 */
public record TokenFit(double a, double b) {
    /** The fit over (tokens[i], values[i]); needs two or more distinct token counts. */
    public static TokenFit of(double[] tokens, double[] values) {
        if (tokens.length != values.length) throw new IllegalArgumentException(tokens.length + " token counts for " + values.length + " values");
        // Normal equations of [N N²] [a b]^T = y.
        double s2 = 0, s3 = 0, s4 = 0, sy1 = 0, sy2 = 0;
        for (int i = 0; i < tokens.length; i++) {
            double n = tokens[i];
            s2 += n * n;
            s3 += n * n * n;
            s4 += n * n * n * n;
            sy1 += n * values[i];
            sy2 += n * n * values[i];
        }
        double det = s2 * s4 - s3 * s3;
        if (!(Math.abs(det) > 1e-9 * s2 * s4)) {
            throw new IllegalArgumentException("a fit a*N + b*N^2 needs two or more distinct token counts, got " + java.util.Arrays.toString(tokens));
        }
        return new TokenFit((sy1 * s4 - sy2 * s3) / det, (s2 * sy2 - s3 * sy1) / det);
    }

    public double at(double tokens) {
        return a * tokens + b * tokens * tokens;
    }
}
