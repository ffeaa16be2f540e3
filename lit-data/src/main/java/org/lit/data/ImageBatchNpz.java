package org.lit.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.NpzWriter;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * ADM's image batch file, as {@code np.savez(out, arr_0=images, labels=labels)}: {@code arr_0} uint8
 * (N, R, R, 3), {@code labels} int64 (N), stored uncompressed. Images are spooled to a local temporary
 * file as they come (N is known only at the end, and an ImageNet-sized batch does not fit in
 * memory), then copied into the zip on any Hadoop FileSystem. The file appears under its name only
 * when complete: it is written next to it and renamed.
 */
public final class ImageBatchNpz implements Closeable {
    private final int resolution;
    private final java.nio.file.Path spool;
    private final OutputStream spoolOut;
    private long[] labels = new long[1024];
    private int count;

    public ImageBatchNpz(int resolution) throws IOException {
        this.resolution = resolution;
        this.spool = Files.createTempFile("lit-images", ".u8");
        this.spoolOut = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 20);
    }

    /** Appends one R x R x 3 HWC image and its label. */
    public void add(byte[] hwc, int label) throws IOException {
        if (hwc.length != resolution * resolution * 3) throw new IllegalArgumentException(hwc.length + " bytes are not a " + resolution + "x" + resolution + " RGB image");
        spoolOut.write(hwc);
        if (count == labels.length) labels = Arrays.copyOf(labels, labels.length * 2);
        labels[count++] = label;
    }

    public int count() {
        return count;
    }

    /** Writes the batch to uri (a Hadoop URI or a local path), replacing any file there. */
    public void write(String uri, Configuration conf) throws IOException {
        spoolOut.flush();
        Path target = ImageNetFolder.path(uri);
        FileSystem fs = HadoopFiles.fileSystem(target, conf);
        HadoopFiles.writeReplacing(fs, target, raw -> {
            try (NpzWriter npz = new NpzWriter(new BufferedOutputStream(raw, 1 << 20))) {
                try (OutputStream images = npz.begin("arr_0", DataType.UBYTE, new long[] {count, resolution, resolution, 3}, crc(spool));
                     InputStream in = Files.newInputStream(spool)) {
                    in.transferTo(images);
                }
                npz.add("labels", Nd4j.createFromArray(Arrays.copyOf(labels, count)));
            }
            return null;
        });
    }

    /** CRC-32 of the spooled images. */
    private static long crc(java.nio.file.Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) crc.update(buf, 0, n);
        }
        return crc.getValue();
    }

    @Override
    public void close() throws IOException {
        spoolOut.close();
        Files.deleteIfExists(spool);
    }
}
