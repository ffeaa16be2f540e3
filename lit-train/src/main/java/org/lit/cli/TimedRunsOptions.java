package org.lit.cli;

import org.lit.bench.Timings;
import picocli.CommandLine.Option;

/** How a benchmark times a call: medians of --runs timed calls after --warmup untimed ones. */
final class TimedRunsOptions {
    @Option(names = "--runs", defaultValue = "3", description = "timed calls, median reported (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed calls first (default: ${DEFAULT-VALUE})")
    int warmup;

    /** {wall, cpu} seconds of the call (Timings.median), after checking the counts. */
    double[] median(Runnable call) {
        if (runs <= 0 || warmup < 0) throw new IllegalArgumentException("--runs must be positive and --warmup not negative");
        return Timings.median(call, runs, warmup);
    }
}
