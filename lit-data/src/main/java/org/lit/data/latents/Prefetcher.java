package org.lit.data.latents;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Reads samples ahead of the trainer. The trainer knows the sample indices of its next steps
 * (they come from seed and epoch): it asks for them with fetch() a step or more ahead, keeps the
 * future, and take()s it when the step starts. A batch's samples are read in parallel on a fixed
 * pool of daemon threads (remote reads are latency-bound: N in flight hide it), and take() adds
 * the time the caller was blocked to waitedSeconds(), the trainer's data_seconds.
 */
public final class Prefetcher implements AutoCloseable {
    private final IntFunction<Sample> reader;
    private final ExecutorService pool;
    private final AtomicLong waitedNanos = new AtomicLong();

    /** Prefetches from a data set on `threads` threads (named lit-prefetch-N). */
    public Prefetcher(LatentShards shards, int threads) {
        this(shards::read, threads);
    }

    /** Prefetches whatever reader reads (any thread-safe source of samples). */
    public Prefetcher(IntFunction<Sample> reader, int threads) {
        if (threads < 1) throw new IllegalArgumentException("prefetch threads must be at least 1, got " + threads);
        this.reader = reader;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lit-prefetch-" + n.getAndIncrement());
            t.setDaemon(true);     // a trainer that ends (or dies) is never held up by reads nobody will take
            return t;
        });
    }

    /** Starts reading the samples; the future's array is in the order of indices. */
    public CompletableFuture<Sample[]> fetch(int[] indices) {
        Sample[] out = new Sample[indices.length];
        CompletableFuture<?>[] reads = new CompletableFuture<?>[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int slot = k, index = indices[k];
            reads[k] = CompletableFuture.runAsync(() -> out[slot] = reader.apply(index), pool);
        }
        // allOf's completion happens-after every write to out, so the array is safely published
        return CompletableFuture.allOf(reads).thenApply(done -> out);
    }

    /**
     * Waits for a fetched batch, adding the wait to waitedSeconds(). A failed read is rethrown
     * as itself (its message names the shard), not wrapped in a CompletionException.
     */
    public Sample[] take(CompletableFuture<Sample[]> batch) {
        long start = System.nanoTime();
        try {
            return batch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for samples", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause.getMessage(), cause);
        } finally {
            waitedNanos.addAndGet(System.nanoTime() - start);
        }
    }

    /** Fetches and waits (a batch nobody asked for ahead of time). */
    public Sample[] read(int[] indices) {
        return take(fetch(indices));
    }

    /** The total time callers spent blocked in take(), in seconds (cumulative, as allreduce_seconds). */
    public double waitedSeconds() {
        return waitedNanos.get() / 1e9;
    }

    /** Stops the threads; reads in flight are abandoned. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
