package org.lit.data.latents;

import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.Safetensors;
import org.lit.core.io.TensorFileException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * One shard as the reader sees it: where its mean and std rows start, checked against index.json
 * from the safetensors header alone, and one input stream, opened on the first sample read (a
 * data set of many shards holds streams only for the shards it has touched). Rows are fetched by
 * positioned reads, which Hadoop's streams allow from many threads at once.
 */
final class ShardFile implements AutoCloseable {
    final String name;
    final int rows;
    private final FileSystem fs;
    private final Path path;
    private final LatentDType dtype;
    private final long meanStart;
    private final long stdStart;
    private final int rowBytes;
    private final int headerBytes;
    private FSDataInputStream in;
    private boolean closed;

    private ShardFile(FileSystem fs, Path path, int rows, LatentDType dtype, long meanStart, long stdStart, int rowBytes, int headerBytes) {
        this.fs = fs;
        this.path = path;
        this.name = path.getName();
        this.rows = rows;
        this.dtype = dtype;
        this.meanStart = meanStart;
        this.stdStart = stdStart;
        this.rowBytes = rowBytes;
        this.headerBytes = headerBytes;
    }

    /** A shard with its labels, read at open. */
    record Opened(ShardFile shard, long[] labels) {
    }

    /**
     * Reads the header (8 + header bytes, by position) and the labels; checks the tensors' names,
     * dtypes and shapes against the index and the file's length against the header, so a damaged
     * shard is reported when the data set is opened rather than in the middle of training.
     */
    static Opened open(FileSystem fs, Path dir, LatentIndex.Shard entry, LatentIndex index) {
        Path path = new Path(dir, entry.name());
        String source = path.toString();
        try (FSDataInputStream in = fs.open(path)) {
            long length = fs.getFileStatus(path).getLen();
            if (length < 8) throw new TensorFileException(source, "truncated: " + length + " bytes");
            int headerLen = Safetensors.headerLength(read(in, 0, 8, source), length, source);
            Safetensors.Header header = Safetensors.parseHeader(read(in, 8, headerLen, source), source);
            long n = entry.count();
            List<Integer> s = index.latentShape();
            Safetensors.Entry mean = check(header, "mean", index.dtype().code(), new long[] {n, 2, s.get(0), s.get(1), s.get(2)}, source);
            Safetensors.Entry std = check(header, "std", index.dtype().code(), mean.shape(), source);
            Safetensors.Entry label = check(header, "label", "I64", new long[] {n}, source);
            if (header.tensors().size() != 3) throw new TensorFileException(source, "holds tensors " + header.tensors().stream().map(Safetensors.Entry::name).toList() + "; a shard holds mean, std and label");
            if (length != header.fileLength()) {
                throw new TensorFileException(source, (length < header.fileLength() ? "truncated: " : "damaged: ") + length + " bytes, its header describes " + header.fileLength());
            }
            long[] labels = new long[entry.count()];
            ByteBuffer.wrap(read(in, header.dataStart() + label.begin(), 8 * entry.count(), source)).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(labels);
            int rowBytes = index.sampleLength() * index.dtype().bytes();
            ShardFile shard = new ShardFile(fs, path, entry.count(), index.dtype(), header.dataStart() + mean.begin(), header.dataStart() + std.begin(), rowBytes, 8 + headerLen);
            return new Opened(shard, labels);
        } catch (IOException e) {
            throw new TensorFileException(source, "cannot read: " + e.getMessage(), e);
        }
    }

    private static Safetensors.Entry check(Safetensors.Header header, String tensor, String dtype, long[] shape, String source) {
        Safetensors.Entry e = header.tensor(tensor).orElseThrow(() -> new TensorFileException(source, "no tensor \"" + tensor + "\""));
        if (!e.dtype().equals(dtype)) throw new TensorFileException(source, "tensor " + tensor + " is " + e.dtype() + ", index.json says " + dtype);
        if (!Arrays.equals(e.shape(), shape)) {
            throw new TensorFileException(source, "tensor " + tensor + " has shape " + Arrays.toString(e.shape()) + ", index.json says " + Arrays.toString(shape));
        }
        return e;
    }

    private static byte[] read(FSDataInputStream in, long position, int length, String source) throws IOException {
        byte[] b = new byte[length];
        try {
            in.readFully(position, b, 0, length);
        } catch (java.io.EOFException e) {
            throw new TensorFileException(source, "truncated: cannot read bytes " + position + ".." + (position + length), e);
        }
        return b;
    }

    /** Row `row`'s mean (or std) decoded into out: one positioned read of 2 * C * h * w elements. */
    void read(int row, boolean std, float[] out) {
        try {
            byte[] b = read(stream(), (std ? stdStart : meanStart) + (long) row * rowBytes, rowBytes, path.toString());
            dtype.decode(b, 0, out);
        } catch (IOException e) {
            throw new TensorFileException(path.toString(), "cannot read row " + row + ": " + e.getMessage(), e);
        }
    }

    /** The source paths of the rows (__metadata__ "files"), read again from the header. */
    List<String> files() {
        try (FSDataInputStream in = fs.open(path)) {
            String json = Safetensors.parseHeader(read(in, 8, headerBytes - 8, path.toString()), path.toString()).metadata().get("files");
            if (json == null) throw new TensorFileException(path.toString(), "no \"files\" in __metadata__");
            return JsonFields.JSON.readValue(json, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new TensorFileException(path.toString(), "cannot read its source paths: " + e.getMessage(), e);
        }
    }

    private synchronized FSDataInputStream stream() throws IOException {
        if (closed) throw new IllegalStateException(path + ": the latent data set is closed");
        if (in == null) in = fs.open(path);
        return in;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (in != null) in.close();
        in = null;
    }
}
