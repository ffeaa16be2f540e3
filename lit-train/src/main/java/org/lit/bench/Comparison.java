package org.lit.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Java against PyTorch on one workload. The two sides run alternately, `repeat` times, so that a
 * shared machine's slow minute falls on both; the run of median time ratio stands for all, with
 * the lowest and highest ratio beside it.
 */
public record Comparison(Run median, double lowestRatio, double highestRatio, int runs) {
    /** One run of each side; torch is null where PyTorch did not run. */
    public record Run(Measurement java, Measurement torch) {
        /** Java time / PyTorch time (NaN without PyTorch). */
        public double ratio() {
            return torch == null ? Double.NaN : java.seconds() / torch.seconds();
        }

        /** Java peak memory / PyTorch peak memory (NaN without PyTorch). */
        public double memoryRatio() {
            return torch == null ? Double.NaN : (double) java.peakBytes() / torch.peakBytes();
        }
    }

    /** The PyTorch side of a run (a script run in its own process). */
    @FunctionalInterface
    public interface TorchSide {
        Measurement measure() throws Exception;
    }

    /**
     * Runs java, then torch (null: PyTorch is not available), `repeat` times. A PyTorch failure is
     * reported on `out` and leaves that run Java-only; with repeat above 1 each run gets a line.
     */
    public static Comparison alternate(String label, int repeat, Supplier<Measurement> java, TorchSide torch, PrintStream out) {
        if (repeat < 1) throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            Measurement j = java.get();
            Measurement t = null;
            if (torch != null) {
                try {
                    t = torch.measure();
                } catch (Exception e) {
                    out.println("PyTorch baseline failed for " + label + ": " + e.getMessage());
                }
            }
            runs.add(new Run(j, t));
            if (repeat > 1) out.printf("  %s run %d/%d: java %.3f s %.0f MB, torch %s%n", label, r + 1, repeat, j.seconds(), j.megabytes(),
                    t == null ? "-" : String.format("%.3f s %.0f MB", t.seconds(), t.megabytes()));
        }
        // Ranked by ratio where PyTorch ran, else by Java's time.
        List<Run> ranked = new ArrayList<>(runs.stream().filter(run -> run.torch() != null).toList());
        if (ranked.isEmpty()) {
            ranked.addAll(runs);
            ranked.sort(Comparator.comparingDouble(run -> run.java().seconds()));
        } else {
            ranked.sort(Comparator.comparingDouble(Run::ratio));
        }
        return new Comparison(ranked.get((ranked.size() - 1) / 2), ranked.get(0).ratio(), ranked.get(ranked.size() - 1).ratio(), ranked.size());
    }

    /** "  (ratios 0.91-1.05 over 3 runs)" when more than one run had both sides, else "". */
    public String rangeNote() {
        return runs > 1 && median.torch() != null ? String.format("  (ratios %.2f-%.2f over %d runs)", lowestRatio, highestRatio, runs) : "";
    }
}
