package org.lit.train.allreduce;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Buckets summed on the background thread as ranges are reported final give the plain sum's bits;
 * a failed background sum reaches the training thread as the ring's AllReduceError.
 */
class OverlappedSumTest {
    private static final int N = 10_007;                     // not a multiple of the ranks or of the bucket
    private static final long BUCKET_BYTES = 4096;          // 1024 floats: 10 buckets, the last one short

    /** Random floats of mixed magnitudes, so that the order of additions shows in the bits. */
    private static float[] values(int rank, int step) {
        SplittableRandom rng = new SplittableRandom(1000L * step + rank);
        float[] v = new float[N];
        for (int i = 0; i < N; i++) v[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-3, 4)));
        return v;
    }

    /** The buffer cut at random points into ranges (every rank cuts and shuffles alike, as every rank's backward does). */
    private static List<long[]> shuffledRanges(long seed) {
        Random rng = new Random(seed);
        List<long[]> ranges = new ArrayList<>();
        for (long from = 0; from < N; ) {
            long to = Math.min(N, from + 1 + rng.nextInt(1500));
            ranges.add(new long[] {from, to});
            from = to;
        }
        Collections.shuffle(ranges, rng);
        return ranges;
    }

    /**
     * Two steps on one OverlappedSum. The buffer starts as NaN; the "backward" writes each range's
     * values (with an ND4J op on this thread) just before reporting it final, in a made-up order,
     * and leaves the last three ranges unreported (finish() sends what no report covered). A bucket
     * summed early would carry NaN into every rank's result.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void overlappedSumsAreThePlainSumsBitForBit(int world) {
        List<float[][]> got = LoopbackRing.run(world, Duration.ofSeconds(30), BUCKET_BYTES, (rank, ring) -> {
            INDArray buffer = Nd4j.valueArrayOf(new long[] {N}, Float.NaN, DataType.FLOAT);
            GradientSum overlapped = GradientSum.open(ring, buffer, true);
            assertTrue(overlapped instanceof OverlappedSum);
            float[][] out = new float[4][];
            for (int step = 0; step < 2; step++) {
                INDArray truth = Nd4j.createFromArray(values(rank, step));
                INDArray plain = truth.dup();
                ring.sum(plain);
                List<long[]> ranges = shuffledRanges(step);
                for (int i = 0; i < ranges.size(); i++) {
                    long[] r = ranges.get(i);
                    buffer.get(NDArrayIndex.interval(r[0], r[1])).assign(truth.get(NDArrayIndex.interval(r[0], r[1])));
                    if (i < ranges.size() - 3) overlapped.finished(r[0], r[1]);
                }
                overlapped.finish();
                out[2 * step] = plain.toFloatVector();
                out[2 * step + 1] = buffer.toFloatVector();
                buffer.assign(Float.NaN);
            }
            return out;
        });
        for (int step = 0; step < 2; step++) {
            for (int rank = 0; rank < world; rank++) {
                assertArrayEquals(got.get(rank)[2 * step], got.get(rank)[2 * step + 1], "step " + step + " rank " + rank + ": overlapped vs plain bits");
                assertArrayEquals(got.get(0)[2 * step + 1], got.get(rank)[2 * step + 1], "every rank ends with the same bits");
            }
            float[] sum = got.get(0)[2 * step + 1];
            List<float[]> terms = new ArrayList<>();
            for (int r = 0; r < world; r++) terms.add(values(r, step));
            for (int i = 0; i < N; i++) {
                double expected = 0, scale = 0;
                for (float[] t : terms) {
                    expected += t[i];
                    scale += Math.abs(t[i]);
                }
                // float32 rounding: half an ulp of each partial sum, at most the terms' magnitude
                assertEquals(expected, sum[i], 1.2e-7 * scale * world, "step " + step + " element " + i);
            }
        }
    }

    @Test
    void aRangeReportedTwiceOrOutsideTheBufferIsRefused() {
        OverlappedSum s = new OverlappedSum(RingAllReduce.alone(), Nd4j.zeros(DataType.FLOAT, 10), 4);
        s.finished(0, 3);
        assertThrows(IllegalStateException.class, () -> s.finished(2, 4));
        var outside = assertThrows(IllegalArgumentException.class, () -> s.finished(8, 11));
        assertTrue(outside.getMessage().contains("[8, 11)") && outside.getMessage().contains("10"), outside.getMessage());
    }

    @Test
    void aJobOfOneOrOverlapOffSumsOnTheCallersThread() {
        INDArray x = Nd4j.createFromArray(1f, 2f);
        GradientSum alone = GradientSum.open(RingAllReduce.alone(), x, true);
        assertTrue(!(alone instanceof OverlappedSum), "a ring of one has nothing to overlap");
        alone.finished(0, 2);
        alone.finish();
        assertArrayEquals(new float[] {1, 2}, x.toFloatVector());
        List<Boolean> overlapped = LoopbackRing.run(2, Duration.ofSeconds(30), BUCKET_BYTES,
                (rank, ring) -> GradientSum.open(ring, Nd4j.zeros(DataType.FLOAT, 8), false) instanceof OverlappedSum);
        assertEquals(List.of(false, false), overlapped);
    }

    /** Reports every range of a 100 000-float buffer (98 buckets), then finishes: the error of the failed sum. */
    private static AllReduceError failedSum(AllReduce ring) {
        INDArray buffer = Nd4j.ones(DataType.FLOAT, 100_000);
        GradientSum s = GradientSum.open(ring, buffer, true);
        for (long from = 100_000; from > 0; from -= 5000) s.finished(from - 5000, from);   // last to first, as backward does
        return assertThrows(AllReduceError.class, s::finish);
    }

    @Test
    void aPeerThatClosesItsLinkFailsTheStepOnTheTrainingThread() {
        List<String> errors = LoopbackRing.run(2, Duration.ofSeconds(30), BUCKET_BYTES, (rank, ring) -> {
            if (rank == 1) {
                ring.close();                                   // the task ended
                return "";
            }
            return failedSum(ring).getMessage();
        });
        assertTrue(errors.get(0).startsWith("all-reduce: ") && errors.get(0).contains("rank 1"), errors.get(0));
    }

    /** After the first bucket times out, the other 97 are skipped instead of each waiting out the timeout. */
    @Test
    void aSilentPeerFailsOnceNotOncePerBucket() {
        long start = System.nanoTime();
        List<String> errors = LoopbackRing.run(2, Duration.ofMillis(700), BUCKET_BYTES, (rank, ring) -> {
            if (rank == 1) {
                sleep(3000);                                   // alive, but never joins the sum
                return "";
            }
            return failedSum(ring).getMessage();
        });
        assertTrue(errors.get(0).contains("rank 1") && errors.get(0).contains("stopped answering"), errors.get(0));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 10, "took " + seconds + " s");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
