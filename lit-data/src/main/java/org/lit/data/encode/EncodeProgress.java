package org.lit.data.encode;

import org.apache.spark.scheduler.AccumulableInfo;
import org.lit.core.Durations;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver's progress line of the encode job: images encoded, images/s and ETA. Running tasks
 * report their count through an accumulator that executors send with every heartbeat, so the line
 * moves while a shard of thousands of images is still being written, not only when it ends.
 */
final class EncodeProgress extends SparkListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncodeProgress.class);

    private final long accumulator;
    private final long total;
    private final long start = System.nanoTime();
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final AtomicLong finished = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lit-encode-progress");
        t.setDaemon(true);
        return t;
    });

    EncodeProgress(long accumulator, long total, long everySeconds) {
        this.accumulator = accumulator;
        this.total = total;
        ticker.scheduleAtFixedRate(this::report, everySeconds, everySeconds, TimeUnit.SECONDS);
    }

    long done() {
        return finished.get() + running.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> t : JavaConverters.seqAsJavaList(update.accumUpdates())) {
            valueOf(t._4()).ifPresent(v -> running.put((Long) t._1(), v));
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        long task = end.taskInfo().taskId();
        running.remove(task);
        if (end.taskInfo().successful()) valueOf(end.taskInfo().accumulables()).ifPresent(finished::addAndGet);
    }

    private java.util.OptionalLong valueOf(scala.collection.Seq<AccumulableInfo> infos) {
        for (AccumulableInfo info : JavaConverters.seqAsJavaList(infos)) {
            if (info.id() == accumulator && info.update().isDefined()) return java.util.OptionalLong.of(((Number) info.update().get()).longValue());
        }
        return java.util.OptionalLong.empty();
    }

    void report() {
        long done = done();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        String eta = Durations.format((total - done) / rate);
        LOG.info(String.format("encode: %d/%d images (%.1f%%)  %.1f img/s  ETA %s", done, total, 100.0 * done / Math.max(1, total), rate, eta));
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
