package org.lit.core.io;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.TreeSet;

/**
 * An .npz read member by member without holding it: small arrays whole ({@link #read}), large
 * ones a few rows at a time ({@link #rows}), stored or deflated, ZIP64 or not. ADM's 50K sample
 * batch at 512px is 39 GB: it is only ever streamed.
 */
public final class NpzReader implements Closeable {
    private final RandomAccessSource source;
    private final ZipDirectory zip;

    private NpzReader(RandomAccessSource source) throws IOException {
        this.source = source;
        this.zip = ZipDirectory.read(source);
    }

    /** Reads the directory; the reader owns the source from then on (and closes it if the directory is unreadable). */
    public static NpzReader open(RandomAccessSource source) {
        try {
            return new NpzReader(source);
        } catch (IOException | RuntimeException e) {
            try {
                source.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof RuntimeException r) throw r;
            throw new TensorFileException(source.name(), "cannot read: " + e.getMessage(), e);
        }
    }

    public static NpzReader open(java.nio.file.Path file) {
        try {
            return open(RandomAccessSource.of(file));
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), "cannot open: " + e.getMessage(), e);
        }
    }

    /** The array names (members without their .npy suffix). */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        for (String n : zip.entries().keySet()) names.add(n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n);
        return names;
    }

    public boolean has(String name) {
        return zip.entries().containsKey(name + ".npy");
    }

    /** An array's header (type and shape) without reading its data. */
    public Npy.Header header(String name) {
        try (InputStream in = open(name)) {
            return Npy.Header.read(in, where(name));
        } catch (IOException e) {
            throw new TensorFileException(where(name), "cannot read: " + e.getMessage(), e);
        }
    }

    /** A whole array (for the small ones: statistics, labels). */
    public INDArray read(String name) {
        try (InputStream in = open(name)) {
            return Npy.read(in.readAllBytes(), where(name));
        } catch (IOException e) {
            throw new TensorFileException(where(name), "cannot read: " + e.getMessage(), e);
        }
    }

    /** A C-order array's rows (first axis) in order, at most batch rows at a time. */
    public Rows rows(String name, int batch) {
        return rows(name, batch, 0, -1);
    }

    /**
     * Rows from .. to - 1 (to = -1: to the end), at most batch at a time: a Spark task's share. A
     * stored member starts there directly; a deflated one is inflated up to there.
     */
    public Rows rows(String name, int batch, long from, long to) {
        InputStream in = open(name);
        Npy.Header h = Npy.Header.read(in, where(name));
        if (h.fortran() && h.shape().length > 1) throw new TensorFileException(where(name), "is in Fortran order; only C-order arrays are streamed by rows");
        if (h.shape().length == 0) throw new TensorFileException(where(name), "is a scalar; it has no rows");
        long end = to < 0 ? h.shape()[0] : to;
        if (from < 0 || from > end || end > h.shape()[0]) throw new IllegalArgumentException(where(name) + ": rows " + from + ".." + end + " outside 0.." + h.shape()[0]);
        try {
            in.skipNBytes(from * h.rowBytes());
        } catch (IOException e) {
            throw new TensorFileException(where(name), "cannot reach row " + from + ": " + e.getMessage(), e);
        }
        return new Rows(in, h, where(name), batch, from, end);
    }

    /** Successive row blocks of one array; close it when done. */
    public static final class Rows implements Closeable {
        private final InputStream in;
        private final Npy.Header header;
        private final String where;
        private final int batch;
        private final long end;
        private long next;

        private Rows(InputStream in, Npy.Header header, String where, int batch, long from, long end) {
            this.in = in;
            this.header = header;
            this.where = where;
            this.batch = batch;
            this.next = from;
            this.end = end;
        }

        public Npy.Header header() {
            return header;
        }

        /** The index of the next row. */
        public long position() {
            return next;
        }

        /** The next block of rows (shape (k, ...)), or null at the end. */
        public INDArray next() {
            if (next == end) return null;
            int k = (int) Math.min(batch, end - next);
            long bytes = k * header.rowBytes();
            if (bytes > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(where + ": " + k + " rows are " + bytes + " bytes; read fewer at a time");
            byte[] b;
            try {
                b = in.readNBytes((int) bytes);
            } catch (IOException e) {
                throw new TensorFileException(where, "cannot read rows " + next + ".." + (next + k - 1) + ": " + e.getMessage(), e);
            }
            if (b.length < bytes) throw new TensorFileException(where, "truncated: ends in row " + (next + b.length / header.rowBytes()) + " of " + header.shape()[0]);
            long[] shape = header.shape().clone();
            shape[0] = k;
            next += k;
            return DTypes.decode(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN), header.type(), shape);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private InputStream open(String name) {
        ZipDirectory.Entry e = zip.entries().get(name + ".npy");
        if (e == null) throw new TensorFileException(source.name(), "has no array `" + name + "`; it holds " + names());
        try {
            return zip.open(e);
        } catch (IOException ex) {
            throw new TensorFileException(where(name), "cannot open: " + ex.getMessage(), ex);
        }
    }

    private String where(String name) {
        return source.name() + "[" + name + "]";
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
