package org.lit.train;

import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a barrier job while watching that the cluster still has room for it (train.elastic).
 * Spark starts a barrier stage only when all of its W tasks can run at once; once a host is gone for
 * good, the stage's retry waits for slots that never come, and the job would hang. The watch
 * cancels the job once the cluster has had fewer than W task slots for the whole grace period, and
 * says how many it has.
 */
final class SlotWatch {
    private static final long POLL_MILLIS = 1000;

    /** The job was cancelled: it needs more task slots than the cluster has had for the grace period. */
    static final class TooFewSlots extends RuntimeException {
        final int slots;

        TooFewSlots(int needed, int slots, Duration waited) {
            super("the stage needs " + needed + " task slots at once; the cluster has had " + slots + " for " + waited.toSeconds() + " s");
            this.slots = slots;
        }
    }

    private SlotWatch() {
    }

    /** The job's result; TooFewSlots after the cluster had fewer than `needed` slots for `grace`. */
    static <T> T await(JavaSparkContext sc, JavaFutureAction<T> job, int needed, Duration grace) {
        long shortSince = -1;
        while (true) {
            try {
                return job.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                int slots = slots(sc);
                long now = System.nanoTime();
                if (slots >= needed) {
                    shortSince = -1;
                } else if (shortSince < 0) {
                    shortSince = now;
                } else if (now - shortSince >= grace.toNanos()) {
                    job.cancel(true);
                    throw new TooFewSlots(needed, slots, grace);
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException r ? r : new IllegalStateException("the training stage failed: " + cause.getMessage(), cause);
            } catch (InterruptedException e) {
                job.cancel(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the training stage ran", e);
            }
        }
    }

    /** Task slots of the executors registered now (Spark's own count for barrier stages). */
    static int slots(JavaSparkContext sc) {
        return sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
    }
}
