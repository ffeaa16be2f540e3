package org.lit.data;

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
 * The driver's progress line of a Spark job over many items: items done, items/s and ETA. Running
 * tasks report their count through an accumulator that executors send with every heartbeat, so the
 * line moves while a task of thousands of items is still running, not only when it ends.
 */
public final class JobProgress extends SparkListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobProgress.class);

    private final String what;
    private final String unit;
    private final long accumulator;
    private final long total;
    private final long start = System.nanoTime();
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final AtomicLong finished = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lit-progress");
        t.setDaemon(true);
        return t;
    });

    /** A line "what: done/total unit (%)  rate unit/s  ETA" every everySeconds, counting accumulator's updates. */
    public JobProgress(String what, String unit, long accumulator, long total, long everySeconds) {
        this.what = what;
        this.unit = unit;
        this.accumulator = accumulator;
        this.total = total;
        ticker.scheduleAtFixedRate(this::report, everySeconds, everySeconds, TimeUnit.SECONDS);
    }

    public long done() {
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

    public void report() {
        long done = done();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        String eta = Durations.format((total - done) / rate);
        LOG.info(String.format("%s: %d/%d %s (%.1f%%)  %.2f %s/s  ETA %s", what, done, total, unit, 100.0 * done / Math.max(1, total), rate, unit, eta));
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
