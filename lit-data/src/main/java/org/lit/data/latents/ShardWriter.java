package org.lit.data.latents;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.Safetensors;
import org.lit.core.io.Sha256;
import org.lit.data.HadoopFiles;
import org.lit.data.SkippedFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.DigestOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes one shard of a latent data set to any Hadoop URI: `shard-NNNNN.safetensors` holding
 * mean and std [n, 2, C, h, w] (axis 1: the image, then its horizontal flip) in the storage dtype,
 * label I64 [n], and `__metadata__` "files" (the n source paths as a JSON list); then its
 * completion record. The shard is streamed to a temporary name while its SHA-256 is computed,
 * renamed into place, and only then is the record written: a killed task leaves at worst a
 * temporary file or a shard without a record, and a re-run redoes exactly that shard.
 */
public final class ShardWriter {
    /** Floats converted per chunk: the output buffer stays 1-2 MB however large the shard. */
    private static final int CHUNK = 1 << 19;
    private final FileSystem fs;
    private final Path dir;
    private final LatentDType dtype;
    private final int[] latentShape;
    private final int numClasses;

    /** A writer for the folder dir (any Hadoop URI), shards of latents [C, h, w] with labels in [0, numClasses). */
    public ShardWriter(String dir, LatentDType dtype, int[] latentShape, int numClasses) throws IOException {
        this(HadoopFiles.fileSystem(new Path(dir), new Configuration()), new Path(dir), dtype, latentShape, numClasses);
    }

    public ShardWriter(FileSystem fs, Path dir, LatentDType dtype, int[] latentShape, int numClasses) throws IOException {
        if (latentShape.length != 3) throw new IllegalArgumentException("latent shape must be [C, h, w], got " + Arrays.toString(latentShape));
        this.fs = fs;
        this.dir = dir;
        this.dtype = dtype;
        this.latentShape = latentShape.clone();
        this.numClasses = numClasses;
        fs.mkdirs(dir);
    }

    /**
     * Writes shard `partition` and then its record, replacing any earlier one.
     *
     * @param mean    n * 2 * C * h * w floats, c order [n, 2, C, h, w]
     * @param std     the same shape
     * @param labels  n labels in [0, numClasses)
     * @param files   the n source paths, in row order
     * @param skipped the inputs of this partition that were passed over (for index.json)
     */
    public ShardRecord write(int partition, float[] mean, float[] std, long[] labels, List<String> files, List<SkippedFile> skipped) throws IOException {
        String name = ShardRecord.shardName(partition);
        int n = labels.length;
        long row = 2L * latentShape[0] * latentShape[1] * latentShape[2];
        if (mean.length != n * row || std.length != n * row) {
            throw new IllegalArgumentException(name + ": mean has " + mean.length + " and std " + std.length + " floats; "
                    + n + " labels of [2, " + latentShape[0] + ", " + latentShape[1] + ", " + latentShape[2] + "] need " + n * row);
        }
        if (files.size() != n) throw new IllegalArgumentException(name + ": " + files.size() + " source paths for " + n + " labels");
        long[] perClass = new long[numClasses];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) throw new IllegalArgumentException(name + ": label " + labels[i] + " of row " + i + " (" + files.get(i) + ") is outside [0, " + numClasses + ")");
            perClass[(int) labels[i]]++;
        }
        byte[] header = header(n, files);
        long bytes = header.length + 2 * n * row * dtype.bytes() + 8L * n;

        fs.delete(ShardRecord.recordPath(dir, partition), false);   // the old record must not outlive the old shard
        String sha256 = HadoopFiles.writeReplacing(fs, new Path(dir, name), raw -> {
            DigestOutputStream out = Sha256.digesting(raw);
            out.write(header);
            writeFloats(mean, out);
            writeFloats(std, out);
            ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(labels);
            out.write(b.array());
            return Sha256.hex(out);
        });
        ShardRecord record = new ShardRecord(name, n, sha256, bytes, dtype, Arrays.stream(latentShape).boxed().toList(),
                Arrays.stream(perClass).boxed().toList(), skipped);
        record.write(fs, dir);
        return record;
    }

    private byte[] header(int n, List<String> files) throws IOException {
        long[] shape = {n, 2, latentShape[0], latentShape[1], latentShape[2]};
        long tensorBytes = 2L * n * latentShape[0] * latentShape[1] * latentShape[2] * dtype.bytes();
        List<Safetensors.Entry> entries = new ArrayList<>();
        entries.add(new Safetensors.Entry("mean", dtype.code(), shape, 0, tensorBytes));
        entries.add(new Safetensors.Entry("std", dtype.code(), shape, tensorBytes, 2 * tensorBytes));
        entries.add(new Safetensors.Entry("label", "I64", new long[] {n}, 2 * tensorBytes, 2 * tensorBytes + 8L * n));
        return Safetensors.headerBytes(entries, Map.of("files", filesJson(files)));
    }

    private static String filesJson(List<String> files) {
        try {
            return JsonFields.JSON.writeValueAsString(files);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode source paths as JSON", e);
        }
    }

    /** Converts a chunk at a time into one reused buffer: no shard-sized byte[] or INDArray copy. */
    private void writeFloats(float[] values, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < values.length; off += CHUNK) {
            int len = Math.min(CHUNK, values.length - off);
            buf.clear();
            dtype.encode(values, off, len, buf);
            out.write(buf.array(), 0, buf.position());
        }
    }
}
