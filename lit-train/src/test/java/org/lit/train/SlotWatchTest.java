package org.lit.train;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lit.core.config.Configs;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train.elastic's pieces on local[2]: the slot count, the watch's verdict, and the smaller worker count. */
class SlotWatchTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SlotWatchTest").set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** A job that runs for `millis`. */
    private static JavaFutureAction<List<Integer>> job(long millis) {
        return sc.parallelize(List.of(1, 2), 2).map(x -> {
            Thread.sleep(millis);
            return x;
        }).collectAsync();
    }

    @Test
    void localTwoHasTwoSlots() {
        assertEquals(2, SlotWatch.slots(sc));
    }

    @Test
    void aJobThatFitsReturnsItsResult() {
        assertEquals(List.of(1, 2), SlotWatch.await(sc, job(1500), 2, Duration.ofMillis(100)));
    }

    @Test
    void aJobThatNeedsMoreSlotsThanTheClusterHasIsCancelledAfterTheGracePeriod() {
        JavaFutureAction<List<Integer>> never = job(60_000);
        long t0 = System.nanoTime();
        SlotWatch.TooFewSlots e = assertThrows(SlotWatch.TooFewSlots.class, () -> SlotWatch.await(sc, never, 3, Duration.ofSeconds(2)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(2, e.slots);
        assertTrue(seconds >= 2 && seconds < 10, "cancelled after " + seconds + " s");
        assertTrue(never.isCancelled() || never.isDone(), "the job is cancelled");
    }

    @Test
    void fewerWorkersIsTheMostThatSplitTheBatch() {
        TrainConfig t = TrainConfig.from(Configs.load(null, List.of("train.global-batch=12", "train.micro-batch=2")));
        assertEquals(2, SparkTraining.fewerWorkers(t, 2));
        assertEquals(3, SparkTraining.fewerWorkers(t, 5), "12 = 3 x 2 x 2; 4 and 5 do not split it into micro-batches of 2");
        assertEquals(6, SparkTraining.fewerWorkers(t, 7));
        TrainConfig whole = TrainConfig.from(Configs.load(null, List.of("train.global-batch=8", "train.micro-batch=8")));
        assertEquals(1, SparkTraining.fewerWorkers(whole, 3));
        assertEquals(0, SparkTraining.fewerWorkers(whole, 0));
    }
}
