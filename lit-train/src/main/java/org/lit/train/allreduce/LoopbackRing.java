package org.lit.train.allreduce;

import org.lit.data.TaskGpu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

/**
 * W threads of this process joined by one transport, for the all-reduce benchmark and tests: a TCP
 * ring on loopback, or NCCL between this node's GPUs (with more than one device, rank r computes on
 * GPU r mod the device count, as a task of a GPU executor would).
 */
public final class LoopbackRing {
    private final List<Transport> transports = new ArrayList<>();
    private final List<String> offers = new ArrayList<>();

    /** W ranks of a TCP ring listening on loopback, their offers made (as the barrier's allGather would gather them); none joined yet. */
    public LoopbackRing(int world, Duration timeout, long bucketBytes) {
        this(java.util.stream.IntStream.range(0, world).<Transport>mapToObj(r -> new TcpTransport("127.0.0.1", timeout, bucketBytes)).toList());
    }

    /** One rank per transport, each offered in rank order; none joined yet. */
    public LoopbackRing(List<Transport> ranks) {
        for (int r = 0; r < ranks.size(); r++) {
            offers.add(ranks.get(r).offer(r));
            transports.add(ranks.get(r));
        }
    }

    /** Runs body(rank, allReduce) on W threads at once; returns each rank's result, in rank order. */
    public static <T> List<T> run(int world, Duration timeout, long bucketBytes, BiFunction<Integer, AllReduce, T> body) {
        return new LoopbackRing(world, timeout, bucketBytes).join(body);
    }

    /** Every rank's offer, in rank order. */
    public List<String> offers() {
        return List.copyOf(offers);
    }

    /** Joins all ranks, each on a thread of its own, and runs body(rank, allReduce) there; each rank's result, in rank order. */
    public <T> List<T> join(BiFunction<Integer, AllReduce, T> body) {
        ExecutorService pool = Executors.newFixedThreadPool(transports.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < transports.size(); r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    TaskGpu.bindRank(rank);
                    try (AllReduce a = transports.get(rank).join(rank, offers)) {
                        return body.apply(rank, a);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) out.add(f.get());
            return out;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
