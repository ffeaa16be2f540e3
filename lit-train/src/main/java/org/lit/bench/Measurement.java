package org.lit.bench;

/**
 * One side's measurement of a workload: median seconds per call, and the call's peak memory: the
 * most resident ({@link ResidentMemory}) during the timed calls above what was resident before the
 * first call, when the model, its gradients or optimizer state and the inputs already exist. What
 * the warm-up calls kept (a learned workspace, an allocator's cache) counts; their own first-call
 * peak does not. tools/bench/torch_step.py's measured() measures PyTorch the same way, and both run
 * each workload in a process of its own, so that no earlier workload's leftovers are counted in or
 * out.
 */
public record Measurement(double seconds, long peakBytes) {
    /** Times `runs` calls after `warmup` untimed ones, tracking the resident high-water mark over the timed ones. */
    public static Measurement of(int runs, int warmup, Runnable call) {
        if (runs < 1 || warmup < 0) throw new IllegalArgumentException("timed calls must be at least 1 and warm-up calls not negative, got " + runs + " and " + warmup);
        long before = ResidentMemory.now();
        for (int i = 0; i < warmup; i++) call.run();
        ResidentMemory.resetPeak();
        double seconds = StepBenchmark.median(runs, 0, call);
        return new Measurement(seconds, ResidentMemory.peak() - before);
    }

    public double megabytes() {
        return peakBytes / 1e6;
    }
}
