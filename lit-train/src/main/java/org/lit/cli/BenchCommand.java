package org.lit.cli;

import org.lit.bench.StepBenchmark;
import org.lit.bench.TorchBaseline;
import org.lit.core.config.ModelConfig;
import org.lit.core.nn.DiffusionTransformer;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;

/**
 * Training-step speed of the Java engine against PyTorch on the same machine, in the same run:
 * forward+backward per step, the ratio, and achieved GFLOP/s beside the machine's GEMM GFLOP/s.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Forward+backward time per step (Java vs PyTorch, same run), as a ratio, with achieved and GEMM GFLOP/s.")
final class BenchCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--models", split = ",", description = "models to time (default: ${DEFAULT-VALUE})", defaultValue = "LiT-S/2,DiT-S/2")
    List<String> models;

    @Option(names = "--batch", defaultValue = "8", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--input-size", defaultValue = "32", description = "latent side (default: ${DEFAULT-VALUE})")
    int inputSize;

    @Option(names = "--steps", defaultValue = "5", description = "timed steps, median reported (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--repeat", defaultValue = "1", description = "alternate the Java and PyTorch sides N times; the row is the run of median ratio, with the ratios' range (default: ${DEFAULT-VALUE})")
    int repeat;

    @Mixin
    TorchBaselineOptions baseline;

    @Override
    public void run() {
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        Optional<TorchBaseline> torch = baseline.find("tools/bench/torch_step.py");
        System.out.printf("lit bench: batch %d, %dx%d latents, float32, %d threads, backend %s%n", batch, inputSize, inputSize,
                threads, Nd4j.getBackend().getClass().getSimpleName());
        System.out.println(torch.map(t -> "baseline: " + t.describe()).orElse("baseline: PyTorch not available (needs python3 with torch and tools/bench/torch_step.py); Java only"));
        double javaGemm = StepBenchmark.gemmGflops(2048);
        Double torchGemm = null;
        System.out.printf("%n%-9s %12s %12s %8s %14s %14s%n", "model", "java s/step", "torch s/step", "ratio", "java GFLOP/s", "torch GFLOP/s");
        if (repeat < 1) throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        for (String name : models) {
            options.model = name;
            ModelConfig config = options.modelConfig("model.input-size=" + inputSize);
            // One training step is forward + backward, about 3 forwards; 2 FLOPs per multiply-accumulate.
            double stepGflop = 3 * 2.0 * DiffusionTransformer.info(config).macsPerSample() * batch / 1e9;
            // The two sides alternate, so a shared machine's slow minute falls on both; the median ratio's run is the row.
            List<double[]> runs = new java.util.ArrayList<>();
            for (int r = 0; r < repeat; r++) {
                double java = StepBenchmark.step(config, batch, steps, warmup);
                TorchBaseline.Result t = null;
                if (torch.isPresent()) {
                    try {
                        t = torch.get().step(name, batch, inputSize, steps, warmup, threads);
                        torchGemm = t.gemmGflops();
                    } catch (Exception e) {
                        System.out.println("PyTorch baseline failed for " + name + ": " + e.getMessage());
                    }
                }
                runs.add(new double[] {java, t == null ? Double.NaN : t.secondsPerStep()});
                if (repeat > 1) System.out.printf("  %s run %d/%d: java %.3f s, torch %s s%n", name, r + 1, repeat, java, t == null ? "-" : String.format("%.3f", t.secondsPerStep()));
            }
            runs.sort(java.util.Comparator.comparingDouble(v -> Double.isNaN(v[1]) ? v[0] : v[0] / v[1]));
            double[] row = runs.get((runs.size() - 1) / 2);
            boolean torchRan = !Double.isNaN(row[1]);
            String range = repeat > 1 && torchRan ? String.format("  (ratios %.2f-%.2f over %d runs)", runs.get(0)[0] / runs.get(0)[1],
                    runs.get(runs.size() - 1)[0] / runs.get(runs.size() - 1)[1], repeat) : "";
            System.out.printf("%-9s %12.3f %12s %8s %14.1f %14s%s%n", name, row[0], torchRan ? String.format("%.3f", row[1]) : "-",
                    torchRan ? String.format("%.2f", row[0] / row[1]) : "-", stepGflop / row[0], torchRan ? String.format("%.1f", stepGflop / row[1]) : "-", range);
        }
        System.out.printf("%nGEMM 2048^3 float32: ND4J %.1f GFLOP/s%s%n", javaGemm, torchGemm == null ? "" : String.format(", PyTorch %.1f GFLOP/s", torchGemm));
        System.out.println("ratio = Java time / PyTorch time per step (<= 1.0: Java is as fast or faster)");
    }
}
