package org.lit.train;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * RUN/metrics.jsonl, one JSON object per logged step, kept open for the whole run. On resume the
 * lines past the resumed step (logged after the checkpoint, before a crash) are dropped, so every
 * step appears once, with the values of the trajectory that continues.
 */
public final class MetricsLog implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FSDataOutputStream out;

    private MetricsLog(FSDataOutputStream out) {
        this.out = out;
    }

    static MetricsLog open(FileSystem fs, Path path, long resumedStep) throws IOException {
        StringBuilder kept = new StringBuilder();
        if (fs.exists(path)) {
            for (String line : new String(fs.open(path).readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && JSON.readTree(line).path("step").asLong(Long.MAX_VALUE) <= resumedStep) kept.append(line).append('\n');
            }
        }
        FSDataOutputStream out = fs.create(path, true);
        out.write(kept.toString().getBytes(StandardCharsets.UTF_8));
        out.hflush();
        return new MetricsLog(out);
    }

    public void write(Map<String, Object> metrics) throws IOException {
        out.write((JSON.writeValueAsString(metrics) + "\n").getBytes(StandardCharsets.UTF_8));
        out.hflush();   // readable by `lit plot` and tail -f while the run goes on
    }

    void flush() throws IOException {
        out.hflush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
