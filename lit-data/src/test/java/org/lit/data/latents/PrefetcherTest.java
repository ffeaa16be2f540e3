package org.lit.data.latents;

import org.junit.jupiter.api.Test;
import org.lit.core.io.TensorFileException;

import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrefetcherTest extends LocalDirTest {
    @Test
    void batchesFetchedAheadComeBackInOrderReadInParallelOnNamedDaemonThreads() {
        AtomicInteger inFlight = new AtomicInteger(), most = new AtomicInteger();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (Prefetcher p = new Prefetcher(i -> {
            int now = inFlight.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            threads.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " daemon" : ""));
            sleep((i * 7919) % 13);                 // uneven read times: later indices often finish first
            inFlight.decrementAndGet();
            return new Sample(i, i % 5, new float[] {i}, new float[] {-i});
        }, 3)) {
            SplittableRandom r = new SplittableRandom(5);
            List<int[]> asked = new ArrayList<>();
            List<CompletableFuture<Sample[]>> pending = new ArrayList<>();
            for (int step = 0; step < 6; step++) {
                int[] indices = r.ints(8, 0, 1000).toArray();
                asked.add(indices);
                pending.add(p.fetch(indices));      // all six steps asked for ahead
            }
            for (int step = 0; step < 6; step++) {
                Sample[] got = p.take(pending.get(step));
                assertEquals(8, got.length);
                for (int k = 0; k < 8; k++) {
                    int i = asked.get(step)[k];
                    assertEquals(i, got[k].index(), "step " + step + " position " + k);
                    assertArrayEquals(new float[] {i}, got[k].mean());
                    assertEquals(i % 5, got[k].label());
                }
            }
            assertEquals(3, most.get(), "reads of one batch run in parallel, on at most the pool's 3 threads");
            assertEquals(Set.of("lit-prefetch-0 daemon", "lit-prefetch-1 daemon", "lit-prefetch-2 daemon"), threads);
        }
    }

    @Test
    void waitedSecondsCountsOnlyTimeTheCallerWasBlocked() {
        try (Prefetcher p = new Prefetcher(i -> {
            sleep(300);
            return new Sample(i, 0, new float[0], new float[0]);
        }, 2)) {
            assertEquals(0.0, p.waitedSeconds());
            p.read(new int[] {1, 2});                     // two reads in parallel: about 0.3 s, not 0.6
            double blocked = p.waitedSeconds();
            assertTrue(blocked >= 0.25 && blocked < 0.55, "blocked " + blocked);
            CompletableFuture<Sample[]> ahead = p.fetch(new int[] {3});
            sleep(450);                                   // the step's compute, while the read runs
            assertEquals(3, p.take(ahead)[0].index());
            assertTrue(p.waitedSeconds() - blocked < 0.1, "a batch fetched ahead is taken without waiting: " + (p.waitedSeconds() - blocked));
        }
    }

    @Test
    void realShardsReadThroughThePrefetcherEqualDirectReadsAndFailuresNameTheShard() throws Exception {
        TestLatents.writeDataSet(fs(), dir(), LatentDType.FLOAT16, 7, 5, 9);
        try (LatentShards shards = LatentShards.open(dir().toString()); Prefetcher p = new Prefetcher(shards, 4)) {
            int[] order = new SplittableRandom(3).ints(40, 0, shards.size()).toArray();
            Sample[] got = p.read(order);
            for (int k = 0; k < order.length; k++) {
                Sample direct = shards.read(order[k]);
                assertEquals(order[k], got[k].index());
                assertEquals(direct.label(), got[k].label());
                assertArrayEquals(direct.mean(), got[k].mean());
                assertArrayEquals(direct.std(), got[k].std());
            }
            try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("shard-00002.safetensors").toFile(), "rw")) {
                f.setLength(100);
            }
            CompletableFuture<Sample[]> bad = p.fetch(new int[] {0, 13});     // 13: shard 2's row 1
            TensorFileException e = assertThrows(TensorFileException.class, () -> p.take(bad));
            assertTrue(e.getMessage().contains("shard-00002.safetensors"), e.getMessage());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
