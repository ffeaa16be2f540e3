package org.lit.bench;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a PyTorch side of a benchmark (a script under tools/bench, on Debian's python3 with
 * python3-torch) in the same run as the Java side, with the same thread count; the script prints
 * one JSON object as its last line.
 */
public final class TorchBaseline {
    /** One PyTorch measurement: seconds per step and the machine's GEMM GFLOP/s as PyTorch sees it. */
    public record Result(double secondsPerStep, double gemmGflops, int threads, String version) {
    }

    private final Path script;
    private final String python;

    private TorchBaseline(Path script, String python) {
        this.script = script;
        this.python = python;
    }

    /** tools/bench/torch_step.py: the training step of `lit bench`. */
    public static Optional<TorchBaseline> find(Path root) {
        return find(root, "tools/bench/torch_step.py");
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

    public Result step(String model, int batch, int input, int steps, int warmup, int threads) throws IOException, InterruptedException {
        JsonNode j = run(threads, "--model", model, "--batch", "" + batch, "--input", "" + input, "--steps", "" + steps, "--warmup", "" + warmup);
        return new Result(j.get("seconds_per_step").asDouble(), j.get("gemm_gflops").asDouble(), j.get("threads").asInt(), j.get("torch").asText());
    }

    /** Runs the script with these arguments plus --threads (and OMP_NUM_THREADS) and returns its JSON line. */
    public JsonNode run(int threads, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--threads", "" + threads));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_NUM_THREADS", "" + threads);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ")");
        return new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
    }

    public String describe() {
        return python + " " + script.toString().replace(File.separator, "/");
    }
}
