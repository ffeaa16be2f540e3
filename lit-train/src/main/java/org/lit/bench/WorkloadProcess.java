package org.lit.bench;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * A side of a benchmark run as a process of its own (a python script, or `lit bench workload` in a
 * fresh JVM) with a given thread count, that prints one JSON object as its last line of output.
 */
public final class WorkloadProcess {
    private static final int ERROR_LINES = 20;

    private WorkloadProcess() {
    }

    /** Runs the command with OMP_NUM_THREADS set and returns its JSON line; its stderr is shown only if it fails. */
    public static JsonNode run(List<String> command, int threads) throws IOException, InterruptedException {
        File errors = File.createTempFile("lit-bench", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(errors);
            pb.environment().put("OMP_NUM_THREADS", "" + threads);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                List<String> err = Files.readAllLines(errors.toPath(), StandardCharsets.UTF_8);
                throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n"
                        + String.join("\n", err.subList(Math.max(0, err.size() - ERROR_LINES), err.size())));
            }
            return new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
        } finally {
            Files.deleteIfExists(errors.toPath());
        }
    }

    /** The seconds_per_step and peak_bytes of a workload's JSON line. */
    public static Measurement measurement(JsonNode j) {
        for (String key : new String[] {"seconds_per_step", "peak_bytes"}) {
            if (!j.has(key)) throw new IllegalStateException("a workload's JSON line has no " + key + ": " + j);
        }
        return new Measurement(j.get("seconds_per_step").asDouble(), j.get("peak_bytes").asLong());
    }
}
