package org.lit.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.RandomAccessSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.UUID;

/** Files named by any Hadoop FileSystem URI (hdfs://, s3a://, file:, a plain path): local copies for the readers, safe writes. */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    /** Whether a URI names a file on this machine (a plain path or file:), which readers open in place. */
    public static boolean isLocal(String uri) {
        String scheme = URI.create(uri.replace(" ", "%20")).getScheme();
        return scheme == null || scheme.equals("file");
    }

    /** The file itself when it is local; otherwise a copy in a temporary folder, keeping its name (readers go by extension). */
    public static java.nio.file.Path local(String uri) {
        if (isLocal(uri)) return uri.startsWith("file:") ? java.nio.file.Path.of(URI.create(uri.replace(" ", "%20"))) : java.nio.file.Path.of(uri);
        try {
            Path remote = new Path(uri);
            FileSystem fs = remote.getFileSystem(new Configuration());
            java.nio.file.Path copy = Files.createTempDirectory("lit-input").resolve(remote.getName());
            fs.copyToLocalFile(remote, new Path(copy.toUri()));
            copy.toFile().deleteOnExit();
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * The FileSystem of a path. A local path gets the raw local FileSystem: no .crc sidecar files
     * beside ours (our files carry SHA-256s), and its positioned reads go straight to a FileChannel
     * (thread-safe) where the checksummed one reopens the file on every positioned read.
     */
    public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    }

    /** A file on any Hadoop FileSystem read by positioned reads (the streaming .npz reader's input). */
    public static RandomAccessSource source(String uri) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = fileSystem(path, new Configuration());
        long length = fs.getFileStatus(path).getLen();
        FSDataInputStream in = fs.open(path);
        return new RandomAccessSource() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void readFully(long pos, byte[] buf, int off, int len) throws IOException {
                if (pos + len > length) throw new java.io.EOFException(uri + ": ends before byte " + (pos + len));
                in.readFully(pos, buf, off, len);
            }

            @Override
            public String name() {
                return uri;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** What writes a file's contents; returns what it learnt on the way (e.g. a checksum). */
    @FunctionalInterface
    public interface Body<T> {
        T write(OutputStream out) throws IOException;
    }

    /**
     * Writes to a hidden temporary sibling (".name.UUID.tmp", which Hadoop's input listings skip;
     * unique, so two attempts of one Spark task never share it), then renames it over target: a
     * reader never sees a half-written file under the final name. Returns body's result.
     */
    public static <T> T writeReplacing(FileSystem fs, Path target, Body<T> body) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            T result;
            try (OutputStream out = fs.create(tmp, false)) {
                result = body.write(out);
            }
            if (fs.exists(target)) fs.delete(target, false);     // HDFS's rename does not replace
            if (!fs.rename(tmp, target)) throw new IOException("cannot rename " + tmp + " to " + target);
            return result;
        } finally {
            if (fs.exists(tmp)) fs.delete(tmp, false);
        }
    }
}
