package org.lit.eval.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * ADM's compute_inception_score, fed the unbiased logits (pool_3 @ W) a batch at a time in sample order.
 *
 * <p>Consecutive splits of splitSize rows (no shuffling; the last split holds whatever is left, and its
 * score counts as much as a full split's); per split {@code exp(mean_i sum_j p_ij (log p_ij - log mean_i p_ij))};
 * the score is the mean over splits. Everything is float32 as in ADM: the softmax (TensorFlow's float
 * kernel: exp(x - max) / sum), then numpy on float32 arrays: the column mean is a row-after-row float32
 * sum divided by n, the per-row sum and the means over rows and splits are numpy's pairwise float32 sums
 * ({@link Float32Sums}). Only one split of probabilities is held (splitSize x classes floats).
 */
public final class InceptionScore {
    private final int classes;
    private final int splitSize;
    private final float[] split;
    private int splitRows;
    private float[] scores = new float[8];
    private int splits;

    public InceptionScore(int classes, int splitSize) {
        if (classes <= 0 || splitSize <= 0) throw new IllegalArgumentException("classes and split size must be positive: " + classes + ", " + splitSize);
        this.classes = classes;
        this.splitSize = splitSize;
        this.split = new float[Math.multiplyExact(splitSize, classes)];
    }

    /** The score of all the logits at once. */
    public static double of(INDArray logits, int splitSize) {
        return new InceptionScore((int) logits.size(1), splitSize).add(logits).value();
    }

    /** Adds the next rows of logits, [rows, classes]; returns this. */
    public InceptionScore add(INDArray logits) {
        if (logits.rank() != 2 || logits.size(1) != classes) {
            throw new IllegalArgumentException("logits batch has shape " + Arrays.toString(logits.shape()) + ", expected [rows, " + classes + "]");
        }
        float[] x = logits.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int row = 0; row < x.length / classes; row++) {
            softmax(x, row * classes, split, splitRows * classes);
            if (++splitRows == splitSize) closeSplit();
        }
        return this;
    }

    /** The mean of the split scores, the last partial split included. */
    public double value() {
        if (splitRows > 0) closeSplit();
        if (splits == 0) throw new IllegalStateException("no logits were added");
        return Float32Sums.pairwise(scores, 0, splits) / splits;
    }

    private void softmax(float[] x, int from, float[] out, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) max = Math.max(max, x[from + j]);
        for (int j = 0; j < classes; j++) out[to + j] = (float) Math.exp(x[from + j] - max);
        float sum = Float32Sums.pairwise(out, to, classes);
        for (int j = 0; j < classes; j++) out[to + j] /= sum;
    }

    private void closeSplit() {
        int n = splitRows;
        float[] logMean = new float[classes];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < classes; j++) logMean[j] += split[i * classes + j];
        }
        for (int j = 0; j < classes; j++) logMean[j] = (float) Math.log(logMean[j] / n);
        float[] kl = new float[classes];
        float[] rowKl = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < classes; j++) {
                float p = split[i * classes + j];
                kl[j] = p * ((float) Math.log(p) - logMean[j]);
            }
            rowKl[i] = Float32Sums.pairwise(kl, 0, classes);
        }
        if (splits == scores.length) scores = Arrays.copyOf(scores, 2 * splits);
        scores[splits++] = (float) Math.exp(Float32Sums.pairwise(rowKl, 0, n) / n);
        splitRows = 0;
    }
}
