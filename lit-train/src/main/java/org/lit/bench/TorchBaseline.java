package org.lit.bench;

import org.lit.core.config.AttentionConfig;
import org.lit.core.config.ModelConfig;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a PyTorch side of a benchmark (a script under tools/bench, on Debian's python3 with
 * python3-torch) in the same run as the Java side, with the same thread count; the script prints
 * one JSON object as its last line.
 */
public final class TorchBaseline {
    /** One PyTorch measurement of a workload, and the machine's GEMM GFLOP/s as PyTorch sees it (NaN but after a training step). */
    public record Result(Measurement measurement, double gemmGflops, int threads, String version) {
    }

    private static final int REFERENCE_KERNEL = 5;

    private final Path script;
    private final String python;

    private TorchBaseline(Path script, String python) {
        this.script = script;
        this.python = python;
    }

    /** Finds the script (relative to the repository root) and a python3 with torch. */
    public static Optional<TorchBaseline> find(Path root, String relativeScript) {
        Path script = root.resolve(relativeScript);
        if (!Files.isRegularFile(script)) return Optional.empty();
        for (String python : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return Optional.of(new TorchBaseline(script, python));
            } catch (IOException | InterruptedException e) {
                // try the next interpreter
            }
        }
        return Optional.empty();
    }

    /**
     * A workload of torch_step.py (--mode step, sampling, forward or optimizer, with its batch, steps
     * and warm-up among the arguments) on the reference model built as the config says, --set
     * overrides included.
     */
    public Result workload(ModelConfig config, List<String> workloadArgs, int threads) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--model", config.name(), "--arch", architecture(config), "--input", "" + config.inputSize()));
        args.addAll(workloadArgs);
        JsonNode j = run(threads, args.toArray(String[]::new));
        return new Result(WorkloadProcess.measurement(j), j.has("gemm_gflops") ? j.get("gemm_gflops").asDouble() : Double.NaN, j.get("threads").asInt(), j.get("torch").asText());
    }

    /** The reference DiT's constructor arguments (tools/reference/dit_reference.py) for a config, as JSON. */
    static String architecture(ModelConfig c) {
        boolean linear = c.attention().kind() == AttentionConfig.Kind.LINEAR;
        if (linear && c.attention().kernelSize() != REFERENCE_KERNEL) {
            throw new IllegalArgumentException("the PyTorch reference's LiT has a " + REFERENCE_KERNEL + "x" + REFERENCE_KERNEL
                    + " depth-wise conv; model.attention.kernel-size is " + c.attention().kernelSize() + " (use --no-torch)");
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("input_size", c.inputSize());
        a.put("patch", c.patchSize());
        a.put("in_channels", c.inChannels());
        a.put("hidden", c.hiddenSize());
        a.put("depth", c.depth());
        a.put("heads", c.numHeads());
        a.put("num_classes", c.numClasses());
        a.put("linear_heads", linear ? c.attention().heads() : null);
        a.put("mlp_ratio", c.mlpRatio());
        a.put("learn_sigma", c.learnSigma());
        try {
            return new ObjectMapper().writeValueAsString(a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the script with these arguments plus --threads (and OMP_NUM_THREADS) and returns its JSON line. */
    public JsonNode run(int threads, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--threads", "" + threads));
        return WorkloadProcess.run(cmd, threads);
    }

    public String describe() {
        return python + " " + script.toString().replace(File.separator, "/");
    }
}
