package org.lit.bench;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peak memory of lit bench sees what a call allocates off-heap, even when the call frees it before returning. */
class MeasurementTest {
    private static final long MB = 1_000_000;
    private static final long ALLOCATED = 96 * MB;
    /** What else a call's JVM may touch meanwhile (heap pages, JIT code): generous, far below the allocation. */
    private static final long SLACK = 40 * MB;
    /** What the JVM may give back meanwhile, below the baseline (freed heap or code pages). */
    private static final long DRIFT = 2 * MB;

    @BeforeAll
    static void loadNd4j() {
        Nd4j.create(DataType.FLOAT, 1);   // its native libraries load once, not inside a measured call
    }

    /**
     * Lets the garbage of earlier tests in this JVM be freed now (ND4J frees off-heap arrays after a
     * collection), not while a call is measured, where it would lower the peak below the baseline.
     */
    @BeforeEach
    void settle() throws InterruptedException {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 50; i++) {
            System.gc();
            Thread.sleep(100);
            long now = ResidentMemory.now();
            if (Math.abs(last - now) < MB) return;
            last = now;
        }
    }

    @Test
    void peakSeesAnOffHeapAllocationFreedWithinTheCall() {
        Measurement m = Measurement.of(2, 1, () -> {
            INDArray a = Nd4j.createUninitialized(DataType.FLOAT, ALLOCATED / Float.BYTES).assign(1f);   // every page written
            a.close();
        });
        assertTrue(m.peakBytes() >= ALLOCATED - DRIFT, "peak " + m.peakBytes() + " bytes below the " + ALLOCATED + " allocated");
        assertTrue(m.peakBytes() < ALLOCATED + SLACK, "peak " + m.peakBytes() + " bytes far above the " + ALLOCATED + " allocated");
        assertEquals(m.peakBytes() / 1e6, m.megabytes(), 1e-9);
        assertTrue(m.seconds() > 0, "seconds " + m.seconds());
    }

    @Test
    void memoryKeptFromTheWarmUpCounts() {
        INDArray[] kept = new INDArray[1];
        Measurement m = Measurement.of(1, 1, () -> {
            if (kept[0] == null) kept[0] = Nd4j.createUninitialized(DataType.FLOAT, ALLOCATED / Float.BYTES).assign(1f);
        });
        assertTrue(m.peakBytes() >= ALLOCATED - DRIFT && m.peakBytes() < ALLOCATED + SLACK, "peak " + m.peakBytes() + " bytes for " + ALLOCATED + " kept since the warm-up");
        kept[0].close();
    }

    @Test
    void aCallThatAllocatesNothingHasNoPeak() {
        long[] sum = {0};
        Measurement m = Measurement.of(3, 1, () -> sum[0] += System.nanoTime() % 7);
        assertTrue(m.peakBytes() < SLACK, "peak " + m.peakBytes() + " bytes for a call that allocates nothing");
    }

    @Test
    void residentNowNeverExceedsThePeak() {
        ResidentMemory.resetPeak();
        long now = ResidentMemory.now();
        assertTrue(now > 0 && now <= ResidentMemory.peak(), "VmRSS " + now + " VmHWM " + ResidentMemory.peak());
    }
}
