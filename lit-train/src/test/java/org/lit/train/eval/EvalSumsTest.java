package org.lit.train.eval;

import org.junit.jupiter.api.Test;
import org.lit.eval.metrics.FeatureStatistics;
import org.lit.eval.metrics.Gaussian;
import org.lit.eval.metrics.InceptionScore;
import org.lit.train.allreduce.LoopbackRing;
import org.lit.train.allreduce.RingAllReduce;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sums FID during training adds over workers, against lit-eval's own statistics and Inception Score. */
class EvalSumsTest {
    private static final int DIM = 64;

    /** Rows (n, dim) in float32, mean `offset` per component, spread about 1 (pool_3-like: non-negative). */
    private static INDArray rows(int n, int dim, double offset, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * dim];
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.abs(offset + r.nextGaussian());
        return Nd4j.create(v, new long[] {n, dim}, 'c');
    }

    private static INDArray slice(INDArray rows, long from, long to) {
        return rows.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup('c');
    }

    private static double relative(double[] actual, double[] expected) {
        double diff = 0, scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }

    /**
     * Mean and covariance from sums about a shift, the rows split over two ranks of a loopback ring,
     * equal FeatureStatistics' centred ones: about a shift near the mean, and about one 20 standard
     * deviations away (an untrained model's samples against the reference).
     */
    @Test
    void sumsAboutAShiftOverTwoRanksGiveFeatureStatisticsGaussian() {
        INDArray x = rows(50, DIM, 3.0, 1);
        Gaussian expected = new FeatureStatistics(DIM).add(x).gaussian();
        for (double shiftValue : new double[] {3.0, -17.0}) {
            double[] shift = new double[DIM];
            java.util.Arrays.fill(shift, shiftValue);
            List<Gaussian> ranks = LoopbackRing.run(2, Duration.ofSeconds(30), 1 << 20, (rank, ring) -> {
                FeatureSums s = new FeatureSums(shift);
                if (rank == 0) {
                    s.add(slice(x, 0, 7));
                    s.add(slice(x, 7, 20));
                } else {
                    s.add(slice(x, 20, 50));
                }
                s.allReduce(ring);
                return s.gaussian();
            });
            double meanError = relative(ranks.get(0).mean(), expected.mean()), covError = relative(ranks.get(0).covariance(), expected.covariance());
            System.out.printf("shift %.0f (rows' mean ~3): mean error %.2e, covariance error %.2e (relative to the largest entry)%n", shiftValue, meanError, covError);
            assertTrue(meanError < 1e-14, "mean " + meanError);
            assertTrue(covError < (shiftValue == 3.0 ? 1e-14 : 1e-12), "covariance " + covError);
            assertArrayEquals(ranks.get(0).covariance(), ranks.get(1).covariance(), "every rank holds the same sums");
        }
    }

    /**
     * ADM's Inception Score from per-split sums: splits of 5 by global index over 12 rows (5, 5, 2),
     * the rows added on two ranks cut inside a split, equal InceptionScore's float32 ADM arithmetic
     * to float32 rounding and ADM's formula in double to double rounding.
     */
    @Test
    void inceptionScoreFromSplitSumsOverTwoRanksIsAdms() {
        int classes = 1008, n = 12, split = 5;
        INDArray logits = rows(n, classes, 0, 2).muli(4);
        double float32 = new InceptionScore(classes, split).add(logits).value();
        double exact = admInceptionScoreInDouble(logits.castTo(DataType.DOUBLE).toDoubleMatrix(), split);
        List<Double> ranks = LoopbackRing.run(2, Duration.ofSeconds(30), 1 << 20, (rank, ring) -> {
            InceptionScoreSums s = new InceptionScoreSums(classes, split, n);
            if (rank == 0) s.add(0, slice(logits, 0, 7));
            else s.add(7, slice(logits, 7, n));
            s.allReduce(ring);
            return s.value();
        });
        InceptionScoreSums alone = new InceptionScoreSums(classes, split, n);
        alone.add(0, logits);
        alone.allReduce(RingAllReduce.alone());
        System.out.printf("IS %.10f: vs ADM's float32 arithmetic %.2e, vs its formula in double %.2e relative%n", ranks.get(0),
                Math.abs(ranks.get(0) / float32 - 1), Math.abs(ranks.get(0) / exact - 1));
        assertEquals(1, ranks.get(0) / float32, 1e-6);
        assertEquals(1, ranks.get(0) / exact, 1e-13);
        assertEquals(1, ranks.get(0) / alone.value(), 1e-13);
        assertEquals(ranks.get(0), ranks.get(1));
    }

    /** compute_inception_score as ADM writes it, in double: per split exp(mean_i sum_j p (log p - log mean_i p)), then the mean. */
    private static double admInceptionScoreInDouble(double[][] logits, int split) {
        double total = 0;
        int splits = 0;
        for (int from = 0; from < logits.length; from += split) {
            int to = Math.min(logits.length, from + split), k = logits[0].length;
            double[][] p = new double[to - from][k];
            double[] mean = new double[k];
            for (int i = from; i < to; i++) {
                double max = java.util.Arrays.stream(logits[i]).max().orElseThrow(), sum = 0;
                for (int j = 0; j < k; j++) sum += p[i - from][j] = Math.exp(logits[i][j] - max);
                for (int j = 0; j < k; j++) mean[j] += (p[i - from][j] /= sum) / (to - from);
            }
            double kl = 0;
            for (double[] row : p) for (int j = 0; j < k; j++) kl += row[j] * (Math.log(row[j]) - Math.log(mean[j])) / (to - from);
            total += Math.exp(kl);
            splits++;
        }
        return total / splits;
    }

    /** Whole batches by index, contiguous per rank, covering the set once: 7 batches of 3 (the last of 2) over 3 ranks. */
    @Test
    void sharesAreWholeBatchesInOrder() {
        assertArrayEquals(new long[] {0, 6}, FidDuringTraining.share(20, 3, 0, 3));
        assertArrayEquals(new long[] {6, 12}, FidDuringTraining.share(20, 3, 1, 3));
        assertArrayEquals(new long[] {12, 20}, FidDuringTraining.share(20, 3, 2, 3));
        assertArrayEquals(new long[] {0, 6}, FidDuringTraining.share(6, 3, 0, 1));
        assertArrayEquals(new long[] {0, 0}, FidDuringTraining.share(2, 3, 0, 2), "fewer batches than ranks: rank 0 gets none");
        assertArrayEquals(new long[] {0, 2}, FidDuringTraining.share(2, 3, 1, 2));
    }
}
