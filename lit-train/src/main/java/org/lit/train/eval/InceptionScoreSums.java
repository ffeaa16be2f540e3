package org.lit.train.eval;

import org.lit.train.allreduce.AllReduce;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * ADM's Inception Score (compute_inception_score) from sums that add over workers. ADM cuts the
 * samples into consecutive splits of splitSize and scores each split k as
 * exp(mean_i sum_j p_ij (log p_ij - log pbar_j)), pbar = the split's mean of p; the score is the
 * mean over splits. With n_k rows, A_k = sum_ij p_ij log p_ij and B_kj = sum_i p_ij, the exponent is
 * (A_k - sum_j B_kj log(B_kj / n_k)) / n_k: so each rank adds its rows' (1, p log p, p) to the split
 * of their global sample index, the all-reduce adds the ranks, and the score follows.
 *
 * <p>The softmax and the sums are in double (ADM's are float32: {@link org.lit.eval.metrics.InceptionScore}
 * reproduces those, and differs from this by float32 rounding). p log p is taken from the log-softmax,
 * so a probability that underflows to 0 adds 0, its limit, where ADM's float32 arithmetic gives NaN.
 */
final class InceptionScoreSums {
    private final int classes;
    private final int splitSize;
    /** Per split: n, A, B_0 .. B_{classes-1}. */
    private double[] sums;
    private final int width;

    InceptionScoreSums(int classes, int splitSize, long samples) {
        this.classes = classes;
        this.splitSize = splitSize;
        this.width = 2 + classes;
        long splits = (samples + splitSize - 1) / splitSize;
        this.sums = new double[Math.toIntExact(splits * width)];
    }

    /** Adds the logits (rows, classes) of samples first, first + 1, ... */
    void add(long first, INDArray logits) {
        if (logits.rank() != 2 || logits.size(1) != classes) {
            throw new IllegalArgumentException("logits have shape " + Arrays.toString(logits.shape()) + ", expected [rows, " + classes + "]");
        }
        double[] x = logits.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] row = new double[width];
        for (int r = 0; r < logits.size(0); r++) {
            double max = Double.NEGATIVE_INFINITY, total = 0;
            for (int j = 0; j < classes; j++) max = Math.max(max, x[r * classes + j]);
            for (int j = 0; j < classes; j++) total += Math.exp(x[r * classes + j] - max);
            double logTotal = Math.log(total), pLogP = 0;
            for (int j = 0; j < classes; j++) {
                double logP = x[r * classes + j] - max - logTotal, p = Math.exp(logP);
                pLogP += p * logP;
                row[2 + j] = p;
            }
            row[0] = 1;
            row[1] = pLogP;
            int at = Math.toIntExact((first + r) / splitSize * width);
            for (int k = 0; k < width; k++) sums[at + k] += row[k];
        }
    }

    /** Sums every rank's buffer into every rank's (collective). */
    void allReduce(AllReduce allReduce) {
        INDArray buffer = Nd4j.createFromArray(sums);
        allReduce.sum(buffer);
        sums = buffer.toDoubleVector();
    }

    /** The mean of the splits' scores; splits without samples (none, when every sample was added) are left out. */
    double value() {
        double total = 0;
        int scored = 0;
        for (int at = 0; at < sums.length; at += width) {
            double n = sums[at];
            if (n == 0) continue;
            double crossEntropy = 0;                          // sum_j B_j log pbar_j
            for (int j = 0; j < classes; j++) {
                double b = sums[at + 2 + j];
                if (b > 0) crossEntropy += b * Math.log(b / n);
            }
            total += Math.exp((sums[at + 1] - crossEntropy) / n);
            scored++;
        }
        if (scored == 0) throw new IllegalStateException("no logits were added");
        return total / scored;
    }
}
