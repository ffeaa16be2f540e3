package org.lit.cli;

import org.lit.bench.Measurement;
import org.lit.bench.StepBenchmark;
import org.lit.bench.StepBenchmark.OptimizerSettings;
import org.lit.bench.WorkloadProcess;
import org.lit.core.Tf32;
import org.lit.core.config.ModelConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `lit bench workload`: the Java side of one workload of `lit bench`, which {@link #launch}es it in
 * a JVM of its own, as the PyTorch side runs in a python of its own. The process's resident memory
 * then holds this workload's arrays and allocator caches only, not what earlier workloads of the
 * same run left behind (measured in one JVM after others, one LiT-S/2 step came out anywhere from
 * 370 to 540 MB), and the workload learns its own step workspace. Prints one JSON line, as
 * tools/bench/torch_step.py does.
 */
@Command(name = "workload", hidden = true, description = "One workload of lit bench, Java side, in this JVM: prints {seconds_per_step, peak_bytes} as JSON.")
final class BenchWorkloadCommand implements Runnable {
    /** A debugger's agent listens on a port that is the parent JVM's. */
    private static final List<String> NOT_INHERITED = List.of("-agentlib:jdwp", "-Xrunjdwp");

    @Mixin
    ModelOptions options;

    @Option(names = "--mode", required = true, description = "step, sampling, forward or optimizer")
    String mode;

    @Option(names = "--batch", required = true, description = "batch; samples for sampling (run as [z; z])")
    int batch;

    @Option(names = "--steps", required = true, description = "timed calls")
    int steps;

    @Option(names = "--warmup", required = true, description = "untimed calls first")
    int warmup;

    @Option(names = "--cfg-scale", description = "guidance scale of sampling")
    double cfgScale = 4.0;

    @Option(names = "--lr", description = "AdamW learning rate of optimizer")
    double lr = OptimizerSettings.DIT.lr();

    @Option(names = "--max-norm", description = "clipping norm of optimizer")
    double maxNorm = OptimizerSettings.DIT.maxNorm();

    @Option(names = "--ema-decay", description = "EMA decay of optimizer")
    double emaDecay = OptimizerSettings.DIT.emaDecay();

    @Override
    public void run() {
        ModelConfig config = options.modelConfig();
        Tf32.apply(Tf32.started());          // the workload runs here, not in a Spark task
        Measurement m = Measurement.of(steps, warmup, StepBenchmark.workload(mode, config, batch, cfgScale, new OptimizerSettings(lr, maxNorm, emaDecay)));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", config.name());
        json.put("mode", mode);
        json.put("seconds_per_step", m.seconds());
        json.put("peak_bytes", m.peakBytes());
        json.put("threads", Nd4j.getEnvironment().maxMasterThreads());
        try {
            System.out.println(new ObjectMapper().writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs `lit bench workload ARGS` in a new JVM with this JVM's options and class path, and returns what it measured. */
    static Measurement launch(List<String> args, int threads) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> NOT_INHERITED.stream().noneMatch(a::startsWith)).forEach(cmd::add);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Lit.class.getName(), "bench", "workload"));
        cmd.addAll(args);
        try {
            return WorkloadProcess.measurement(WorkloadProcess.run(cmd, threads));
        } catch (IOException e) {
            throw new UncheckedIOException("the Java side of lit bench: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Java side of lit bench ran", e);
        }
    }
}
