package org.lit.cli;

import org.lit.bench.Comparison;
import org.lit.bench.StepBenchmark;
import org.lit.bench.StepBenchmark.OptimizerSettings;
import org.lit.bench.TorchBaseline;
import org.lit.core.config.ModelConfig;
import org.lit.core.config.ModelConfigs;
import org.lit.core.nn.DiffusionTransformer;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine's speed and memory against PyTorch on the same machine, in the same run, with the
 * same threads: a training step (time, GFLOP/s beside the machine's GEMM GFLOP/s, peak memory), a
 * guided sampling step, the optimizer step and inference as the image grows. Each workload is
 * StepBenchmark's on the Java side and tools/bench/torch_step.py's mode of the same name on the
 * PyTorch side.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, subcommands = BenchWorkloadCommand.class, synopsisSubcommandLabel = "",
        description = {"Java against PyTorch (tools/bench/torch_step.py on tools/reference/dit_reference.py), same run, same threads: "
                + "time and peak memory per step, with Java/PyTorch ratios. Tables: --step (the default), --sampling, --optimizer, --resolution; "
                + "their rows start `model  java s/step  torch s/step  ratio`. Each side runs each workload in a process of its own "
                + "(Java: `lit bench workload` in a new JVM with this one's options), random weights, float32.",
                "Peak memory (MB = 10^6 bytes), both sides alike: the most resident in the process during the timed steps (VmHWM of "
                + "/proc/self/status, reset by writing 5 to /proc/self/clear_refs after the warm-up) minus what was resident before the "
                + "first step (VmRSS), when the model, its gradients or optimizer state and the inputs already exist; so Java's counts "
                + "off-heap arrays, its learned step workspace and new heap pages alike. Linux only."})
final class BenchCommand implements Runnable {
    private static final String SCRIPT = "tools/bench/torch_step.py";
    private static final String ROW = "%-9s %12s %12s %8s %14s %14s %10s %10s %9s%s%n";

    @Mixin
    ModelOptions options;

    @Option(names = "--models", split = ",", description = "models to time (default: ${DEFAULT-VALUE}); --resolution takes one LiT and one DiT",
            defaultValue = "LiT-S/2,DiT-S/2")
    List<String> models;

    @Option(names = "--step", description = "the training step table: forward + backward (the default when no other table is asked for)")
    boolean step;

    @Option(names = "--sampling", description = "the sampling step table: one guided DDPM step's forward_with_cfg on [z; z], no gradients")
    boolean sampling;

    @Option(names = "--optimizer", description = "the optimizer step table: clipping, AdamW and the EMA on each model's parameters")
    boolean optimizer;

    @Option(names = "--resolution", description = "the resolution table: inference forward of the LiT against the DiT at --resolutions, batch 1")
    boolean resolution;

    @Option(names = "--resolutions", split = ",", defaultValue = "256,512,1024,2048",
            description = "image sides in px for --resolution; latents are px/8 (default: ${DEFAULT-VALUE})")
    List<Integer> resolutions;

    @Option(names = "--attention-limit-mb", defaultValue = "2048",
            description = "--resolution skips (and extrapolates) a softmax model whose attention scores alone, batch x heads x tokens^2 x 4 B, would pass this (default: ${DEFAULT-VALUE})")
    long attentionLimitMb;

    @Option(names = "--batch", defaultValue = "8", description = "training batch, and samples per sampling step (run as [z; z], twice as many) (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--input-size", defaultValue = "32", description = "latent side of --step and --sampling (default: ${DEFAULT-VALUE})")
    int inputSize;

    @Option(names = "--cfg-scale", defaultValue = "4.0", description = "guidance scale of --sampling (default: ${DEFAULT-VALUE})")
    double cfgScale;

    @Option(names = "--steps", defaultValue = "5", description = "timed steps, median reported (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--repeat", defaultValue = "1", description = "alternate the Java and PyTorch sides N times; the row is the run of median ratio, with the ratios' range (default: ${DEFAULT-VALUE})")
    int repeat;

    @Mixin
    TorchBaselineOptions baseline;

    private Optional<TorchBaseline> torch;
    private int threads;
    private Double torchGemm;

    @Override
    public void run() {
        if (repeat < 1) throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        if (steps < 1 || warmup < 0) throw new IllegalArgumentException("--steps must be positive and --warmup not negative, got " + steps + " and " + warmup);
        if (batch < 1) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        threads = Nd4j.getEnvironment().maxMasterThreads();
        torch = baseline.find(SCRIPT);
        System.out.printf("lit bench: batch %d, %dx%d latents, float32, %d threads, backend %s%n", batch, inputSize, inputSize,
                threads, Nd4j.getBackend().getClass().getSimpleName());
        System.out.println(torch.map(t -> "baseline: " + t.describe()).orElse("baseline: PyTorch not available (needs python3 with torch and " + SCRIPT + "); Java only"));
        if (step || !(sampling || optimizer || resolution)) trainingTable();
        if (sampling) samplingTable();
        if (optimizer) optimizerTable();
        if (resolution) new BenchResolution(this).print(resolutions, attentionLimitMb * 1_000_000);
        System.out.printf("%n%d timed steps after %d warm-up, median; ratio = Java time / PyTorch time (<= 1.0: Java is as fast or faster); "
                + "MB = peak resident growth of the step (10^6 bytes, see --help); mem ratio = java MB / torch MB%n", steps, warmup);
    }

    private void trainingTable() {
        double javaGemm = StepBenchmark.gemmGflops(2048);
        System.out.printf("%ntraining step: forward + backward, batch %d, %dx%d latents%n", batch, inputSize, inputSize);
        header("java GFLOP/s", "torch GFLOP/s");
        for (String name : models) {
            // One training step is forward + backward, about 3 forwards; 2 FLOPs per multiply-accumulate.
            double gflop = 3 * 2.0 * DiffusionTransformer.info(config(name, inputSize)).macsPerSample() * batch / 1e9;
            row(name, compare(name, "step", name, inputSize, batch, List.of()), gflop);
        }
        System.out.printf("%nGEMM 2048^3 float32: ND4J %.1f GFLOP/s%s%n", javaGemm, torchGemm == null ? "" : String.format(", PyTorch %.1f GFLOP/s", torchGemm));
    }

    private void samplingTable() {
        System.out.printf("%nsampling step: forward_with_cfg of %d samples as [z; z] (batch %d), %dx%d latents, cfg scale %.1f, no gradients%n",
                batch, 2 * batch, inputSize, inputSize, cfgScale);
        header("java GFLOP/s", "torch GFLOP/s");
        for (String name : models) {
            double gflop = 2.0 * DiffusionTransformer.info(config(name, inputSize)).macsPerSample() * 2 * batch / 1e9;
            row(name, compare(name, "sampling", name, inputSize, batch, List.of("--cfg-scale", "" + cfgScale)), gflop);
        }
    }

    private void optimizerTable() {
        OptimizerSettings s = OptimizerSettings.DIT;
        System.out.printf("%noptimizer step: clip to global norm %.1f, AdamW lr %.0e (PyTorch: foreach=True), EMA decay %.4f, on each model's parameters with random gradients%n",
                s.maxNorm(), s.lr(), s.emaDecay());
        header("parameters", "");
        for (String name : models) {
            Comparison c = compare(name, "optimizer", name, inputSize, batch, s.args());
            row(name, c, String.format("%,d", DiffusionTransformer.info(config(name, inputSize)).parameters()), "-");
        }
    }

    /** The model `name` at a latent side, --set overrides included (the side is the command's to set). */
    ModelConfig config(String name, int latentSide) {
        options.model = name;
        return ModelConfigs.fromConfig(options.resolve(List.of("model.input-size=" + latentSide)));
    }

    /**
     * Java's workload `mode` (`lit bench workload`, a JVM of its own) against torch_step.py's of the
     * same name, on the model `name` at a latent side, alternating --repeat times.
     */
    Comparison compare(String label, String mode, String name, int latentSide, int batchSize, List<String> modeArgs) {
        ModelConfig config = config(name, latentSide);
        List<String> workload = new ArrayList<>(List.of("--mode", mode, "--batch", "" + batchSize, "--steps", "" + steps, "--warmup", "" + warmup));
        workload.addAll(modeArgs);
        // The child resolves the model as config() does: the user's config file and --set, then the side.
        List<String> javaArgs = new ArrayList<>(workload);
        if (options.config != null) javaArgs.addAll(List.of("-c", options.config.toString()));
        javaArgs.addAll(List.of("--model", name));
        for (String o : options.overrides) javaArgs.addAll(List.of("--set", o));
        javaArgs.addAll(List.of("--set", "model.input-size=" + latentSide));
        Comparison.TorchSide side = torch.<Comparison.TorchSide>map(t -> () -> {
            TorchBaseline.Result r = t.workload(config, workload, threads);
            if (!Double.isNaN(r.gemmGflops())) torchGemm = r.gemmGflops();
            return r.measurement();
        }).orElse(null);
        return Comparison.alternate(label, repeat, () -> BenchWorkloadCommand.launch(javaArgs, threads), side, System.out);
    }

    /** The header of a step table, with the table's own two columns after the ratio. */
    private static void header(String javaExtra, String torchExtra) {
        System.out.printf(ROW, "model", "java s/step", "torch s/step", "ratio", javaExtra, torchExtra, "java MB", "torch MB", "mem ratio", "");
    }

    private static void row(String name, Comparison c, double gflop) {
        Comparison.Run r = c.median();
        row(name, c, number("%.1f", gflop / r.java().seconds()), r.torch() == null ? "-" : number("%.1f", gflop / r.torch().seconds()));
    }

    /** A row of the step tables: time, ratio, two columns of the table's own, peak memory and its ratio. */
    private static void row(String name, Comparison c, String javaExtra, String torchExtra) {
        Comparison.Run r = c.median();
        boolean torchRan = r.torch() != null;
        System.out.printf(ROW, name, number("%.3f", r.java().seconds()), torchRan ? number("%.3f", r.torch().seconds()) : "-", number("%.2f", r.ratio()),
                javaExtra, torchExtra, number("%.1f", r.java().megabytes()), torchRan ? number("%.1f", r.torch().megabytes()) : "-",
                number("%.2f", r.memoryRatio()), c.rangeNote());
    }

    /** The value formatted, or "-" where there is none (NaN). */
    static String number(String format, double value) {
        return Double.isFinite(value) ? String.format(format, value) : "-";
    }
}
