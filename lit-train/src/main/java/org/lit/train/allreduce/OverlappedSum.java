package org.lit.train.allreduce;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sums a flat gradient buffer over the workers bucket by bucket on a background thread, while the
 * training thread's backward still writes the rest of it (the overlap of PyTorch's DDP).
 *
 * <p>Determinism: the buckets are exactly the windows {@link AllReduce#sum} cuts the whole buffer
 * into, and each is summed by the same ring steps, so every element is added in the same order by
 * the same ranks as in the plain sum: the result is bit for bit the plain sum's, whatever order
 * the buckets finish in and however long anything takes. A bucket is sent as soon as the ranges
 * reported final cover it; one thread sends them in that order, which is the same on every rank
 * (each runs the same backward, reporting the same ranges in the same order). Buckets never
 * reported are sent by {@link #finish()}, first to last.
 *
 * <p>No race: the background thread touches only buckets reported final, which the backward no
 * longer writes, and only their memory (the ring's windows, no ND4J op); the training thread
 * touches the buffer again only after finish(). After a failed bucket the ring is broken: later
 * ones are skipped (instead of each waiting out the timeout) and finish() throws the first error.
 */
public final class OverlappedSum implements GradientSum {
    private final AllReduce allReduce;
    private final long length;
    private final long bucket;
    private final INDArray[] buckets;          // views of the buffer, made once on the training thread
    private final long[] missing;              // elements of each bucket not yet reported final this step
    private final boolean[] sent;
    private final List<Future<?>> inFlight = new ArrayList<>();
    private final ThreadPoolExecutor sender;
    private volatile RuntimeException failure;

    OverlappedSum(AllReduce allReduce, INDArray buffer, long bucket) {
        if (!buffer.isVector() || buffer.elementWiseStride() != 1) {
            throw new IllegalArgumentException("an overlapped sum needs a contiguous vector; got shape " + Arrays.toString(buffer.shape()));
        }
        this.allReduce = allReduce;
        this.length = buffer.length();
        this.bucket = bucket;
        int count = (int) ((length + bucket - 1) / bucket);
        buckets = new INDArray[count];
        for (int b = 0; b < count; b++) buckets[b] = buffer.get(NDArrayIndex.interval(start(b), end(b)));
        missing = new long[count];
        sent = new boolean[count];
        reset();
        // One thread, so buckets go out in the order they were sent; it ends when idle (a trainer has no close).
        sender = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "lit-allreduce-rank-" + allReduce.rank());
            t.setDaemon(true);
            return t;
        });
        sender.allowCoreThreadTimeOut(true);
    }

    private long start(int b) {
        return b * bucket;
    }

    private long end(int b) {
        return Math.min(length, start(b) + bucket);
    }

    private void reset() {
        for (int b = 0; b < buckets.length; b++) missing[b] = end(b) - start(b);
        Arrays.fill(sent, false);
        inFlight.clear();
    }

    @Override
    public void finished(long from, long to) {
        if (from < 0 || to > length || from > to) {
            throw new IllegalArgumentException("gradient range [" + from + ", " + to + ") is not within the buffer of " + length);
        }
        for (int b = (int) (from / bucket); b < buckets.length && start(b) < to; b++) {
            missing[b] -= Math.min(to, end(b)) - Math.max(from, start(b));
            if (missing[b] < 0) throw new IllegalStateException("gradient range [" + from + ", " + to + ") was reported final twice");
            if (missing[b] == 0 && !sent[b]) send(b);
        }
    }

    private void send(int b) {
        sent[b] = true;
        INDArray window = buckets[b];
        inFlight.add(sender.submit(() -> {
            if (failure != null) return;
            try {
                allReduce.sum(window);
            } catch (RuntimeException e) {
                failure = e;
            }
        }));
    }

    @Override
    public void finish() {
        for (int b = 0; b < buckets.length; b++) if (!sent[b]) send(b);
        try {
            for (Future<?> f : inFlight) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AllReduceError("all-reduce: rank " + allReduce.rank() + " was interrupted waiting for its gradient sum");
        } catch (ExecutionException e) {                 // an Error: the task catches every RuntimeException
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } finally {
            reset();
        }
        if (failure != null) throw failure;
    }
}
