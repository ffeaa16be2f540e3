package org.lit.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.Npy;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

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
        byte[] imagesHeader = Npy.header(DataType.UBYTE, count, resolution, resolution, 3);
        ByteBuffer labelBytes = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) labelBytes.putLong(labels[i]);
        byte[] labelsNpy = concat(Npy.header(DataType.LONG, count), labelBytes.array());

        Path target = ImageNetFolder.path(uri);
        FileSystem fs = target.getFileSystem(conf);
        if (fs instanceof LocalFileSystem local) fs = local.getRawFileSystem(); // no .crc files beside a local output
        Path partial = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".partial");
        try (FSDataOutputStream raw = fs.create(partial, true); ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(raw, 1 << 20))) {
            long dataLength = Files.size(spool);
            zip.putNextEntry(stored("arr_0.npy", imagesHeader.length + dataLength, crc(imagesHeader, spool)));
            zip.write(imagesHeader);
            try (InputStream in = Files.newInputStream(spool)) {
                in.transferTo(zip);
            }
            zip.closeEntry();
            zip.putNextEntry(stored("labels.npy", labelsNpy.length, crc(labelsNpy, null)));
            zip.write(labelsNpy);
            zip.closeEntry();
        } catch (IOException | RuntimeException e) {
            fs.delete(partial, false);
            throw e;
        }
        if (fs.exists(target)) fs.delete(target, false);
        if (!fs.rename(partial, target)) throw new IOException("cannot rename " + partial + " to " + target);
    }

    /** A STORED zip entry (np.savez's kind): sizes and CRC must be known before its data. */
    private static ZipEntry stored(String name, long size, long crc) {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(crc);
        return e;
    }

    /** CRC-32 of head followed by the file's bytes (if any). */
    private static long crc(byte[] head, java.nio.file.Path file) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(head);
        if (file != null) {
            byte[] buf = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buf)) > 0; ) crc.update(buf, 0, n);
            }
        }
        return crc.getValue();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() throws IOException {
        spoolOut.close();
        Files.deleteIfExists(spool);
    }
}
