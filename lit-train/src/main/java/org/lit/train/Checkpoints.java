package org.lit.train;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.Safetensors;
import org.lit.core.io.Sha256;
import org.lit.core.io.TensorFileException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.DigestOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RUN/checkpoints/step-NNNNNNNN/ on any Hadoop FileSystem: model, ema and optimizer safetensors and
 * state.json, then COMPLETE, written last, holding each file's SHA-256. A folder without COMPLETE,
 * or whose files no longer match it, is never loaded: the previous checkpoint is used instead.
 */
public final class Checkpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String COMPLETE = "COMPLETE";
    private final FileSystem fs;
    private final Path dir;

    public Checkpoints(String run) {
        try {
            Path root = new Path(run);
            this.fs = root.getFileSystem(new Configuration());
            fs.setWriteChecksum(false);
            this.dir = new Path(root, "checkpoints");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open run directory " + run, e);
        }
    }

    /** One loaded checkpoint. */
    public record Loaded(long step, Map<String, INDArray> model, Map<String, INDArray> ema, Map<String, INDArray> optimizer,
                         Map<String, Object> state, String location) {
    }

    public static String folderName(long step) {
        return String.format("step-%08d", step);
    }

    /** Writes a checkpoint (COMPLETE last) and removes all but the newest `keep` complete ones. */
    public void write(long step, Map<String, INDArray> model, Map<String, INDArray> ema, Map<String, INDArray> optimizer,
                      Map<String, Object> state, int keep) throws IOException {
        Path folder = new Path(dir, folderName(step));
        if (fs.exists(folder)) fs.delete(folder, true);   // a leftover without COMPLETE from a crash
        fs.mkdirs(folder);
        Map<String, String> sums = new LinkedHashMap<>();
        sums.put("model.safetensors", writeTensors(new Path(folder, "model.safetensors"), model));
        sums.put("ema.safetensors", writeTensors(new Path(folder, "ema.safetensors"), ema));
        sums.put("optimizer.safetensors", writeTensors(new Path(folder, "optimizer.safetensors"), optimizer));
        sums.put("state.json", writeBytes(new Path(folder, "state.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state)));
        writeBytes(new Path(folder, COMPLETE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("sha256", sums)));
        prune(keep);
    }

    private String writeTensors(Path p, Map<String, INDArray> tensors) throws IOException {
        try (FSDataOutputStream raw = fs.create(p, true); DigestOutputStream out = Sha256.digesting(raw)) {
            java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 20);
            Safetensors.write(tensors, Map.of("format", "pt"), buffered);
            buffered.flush();
            return Sha256.hex(out);
        }
    }

    private String writeBytes(Path p, byte[] bytes) throws IOException {
        try (FSDataOutputStream raw = fs.create(p, true); DigestOutputStream out = Sha256.digesting(raw)) {
            out.write(bytes);
            return Sha256.hex(out);
        }
    }

    /** Complete checkpoint folders, newest first (by step). */
    List<Path> completeFolders() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!fs.exists(dir)) return out;
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDirectory() && s.getPath().getName().matches("step-\\d{8}") && fs.exists(new Path(s.getPath(), COMPLETE))) out.add(s.getPath());
        }
        out.sort(Comparator.comparing((Path p) -> p.getName()).reversed());
        return out;
    }

    /** The newest checkpoint whose files match its COMPLETE marker; damaged ones are skipped with a warning. */
    public Optional<Loaded> latest() throws IOException {
        for (Path folder : completeFolders()) {
            try {
                return Optional.of(load(folder));
            } catch (IOException | RuntimeException e) {
                LOG.warn("skipping damaged checkpoint {}: {}", folder, e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The newest complete checkpoint's location, for messages ("last good checkpoint"). */
    public String latestLocation() {
        try {
            List<Path> f = completeFolders();
            return f.isEmpty() ? "none" : f.get(0).toString();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** The checkpoint of one step; an error if it is missing, incomplete or damaged. */
    public Loaded load(long step) throws IOException {
        Path folder = new Path(dir, folderName(step));
        if (!fs.exists(new Path(folder, COMPLETE))) throw new IOException("checkpoint " + folder + " is missing or has no COMPLETE marker");
        return load(folder);
    }

    @SuppressWarnings("unchecked")
    private Loaded load(Path folder) throws IOException {
        Map<String, String> sums;
        try (FSDataInputStream in = fs.open(new Path(folder, COMPLETE))) {
            sums = (Map<String, String>) JSON.readValue((java.io.InputStream) in, Map.class).get("sha256");
        }
        Map<String, java.nio.file.Path> local = new LinkedHashMap<>();
        java.nio.file.Path tmp = Files.createTempDirectory("lit-ckpt");
        try {
            for (Map.Entry<String, String> e : sums.entrySet()) {
                java.nio.file.Path copy = tmp.resolve(e.getKey());
                fs.copyToLocalFile(new Path(folder, e.getKey()), new Path(copy.toUri()));
                String actual = Sha256.of(Files.readAllBytes(copy));
                if (!actual.equals(e.getValue())) throw new IOException(e.getKey() + " does not match its checksum in COMPLETE (truncated or corrupt)");
                local.put(e.getKey(), copy);
            }
            Map<String, Object> state = JSON.readValue(local.get("state.json").toFile(), Map.class);
            return new Loaded(((Number) state.get("step")).longValue(), read(local.get("model.safetensors")), read(local.get("ema.safetensors")),
                    read(local.get("optimizer.safetensors")), state, folder.toString());
        } finally {
            try (var files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Map<String, INDArray> read(java.nio.file.Path p) {
        if (p == null) throw new TensorFileException("checkpoint", "a tensor file is missing");
        return Safetensors.read(p);
    }

    private void prune(int keep) throws IOException {
        List<Path> complete = completeFolders();
        for (int i = keep; i < complete.size(); i++) fs.delete(complete.get(i), true);
    }

    public FileSystem fileSystem() {
        return fs;
    }
}
