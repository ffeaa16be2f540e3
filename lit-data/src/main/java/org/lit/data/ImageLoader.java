package org.lit.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;

/**
 * One image of a listing made ready for a model: bytes read through the Hadoop FileSystem, decoded
 * as PIL would, ADM's centre crop. This is what the encode job runs per file and what
 * {@code lit preprocess} runs: a {@link BadImageException} means skip the file and report
 * {@link BadImageException#skipped()}; an IOException is a failure to read (the file vanished, no
 * permission, the store is down), which the caller may retry. Serializable, so a Spark task gets
 * its own; the Hadoop configuration is not shipped but rebuilt from the executor's classpath.
 */
public final class ImageLoader implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int size;
    private transient Configuration conf;

    /** A loader cropping to size x size, with the default Hadoop configuration. */
    public ImageLoader(int size) {
        this(size, null);
    }

    /** A loader cropping to size x size, reading with conf (null: the default configuration). */
    public ImageLoader(int size, Configuration conf) {
        if (size < 1) throw new IllegalArgumentException("crop size must be positive, got " + size);
        this.size = size;
        this.conf = conf;
    }

    public int size() {
        return size;
    }

    /** The size x size x 3 (HWC, uint8) ADM crop of the image at path, a Hadoop URI or a local path. */
    public byte[] crop(String path) throws BadImageException, IOException {
        return CenterCrop.apply(ImageDecoder.decodeRgb(read(path), path), size);
    }

    /** The crop of a listing's entry. */
    public byte[] crop(ImageNetFolder.Entry entry) throws BadImageException, IOException {
        return crop(entry.path());
    }

    /** The whole file at path. */
    public byte[] read(String path) throws BadImageException, IOException {
        Path p = ImageNetFolder.path(path);
        FileSystem fs = p.getFileSystem(configuration());
        FileStatus status = fs.getFileStatus(p);
        if (status.getLen() > Integer.MAX_VALUE - 8) throw new BadImageException(path, "file of " + status.getLen() + " bytes is too large for an image");
        byte[] bytes = new byte[(int) status.getLen()];
        try (FSDataInputStream in = fs.open(p)) {
            in.readFully(0, bytes);
        }
        return bytes;
    }

    private Configuration configuration() {
        if (conf == null) conf = new Configuration();
        return conf;
    }
}
