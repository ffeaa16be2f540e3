package org.lit.core.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * An .npz written member by member as np.savez does (STORED, ZIP64 where sizes need it), without
 * holding a large member: its data is streamed in, its CRC-32 given up front (a STORED member's
 * header carries it), e.g. combined from the CRCs of the parts it is assembled from.
 */
public final class NpzWriter implements Closeable {
    private static final java.time.LocalDateTime DOS_EPOCH = java.time.LocalDateTime.of(1980, 1, 1, 0, 0);
    private final ZipOutputStream zip;

    public NpzWriter(OutputStream out) {
        this.zip = new ZipOutputStream(out);
    }

    /** A small array, whole. */
    public void add(String name, INDArray a) throws IOException {
        byte[] npy = Npy.write(a);
        CRC32 crc = new CRC32();
        crc.update(npy);
        zip.putNextEntry(stored(name + ".npy", npy.length, crc.getValue()));
        zip.write(npy);
        zip.closeEntry();
    }

    /**
     * Starts a large C-order array: write exactly its data bytes (little-endian, whose CRC-32 is
     * dataCrc) to the returned stream, then close that stream (the archive stays open).
     */
    public OutputStream begin(String name, DataType type, long[] shape, long dataCrc) throws IOException {
        byte[] header = Npy.header(type, shape);
        long dataBytes = DTypes.count(shape) * DTypes.size(type);
        CRC32 crc = new CRC32();
        crc.update(header);
        zip.putNextEntry(stored(name + ".npy", header.length + dataBytes, Crc32Combine.combine(crc.getValue(), dataCrc, dataBytes)));
        zip.write(header);
        return new FilterOutputStream(zip) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                zip.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                zip.closeEntry();                   // checks the size and CRC that were promised
            }
        };
    }

    private static ZipEntry stored(String name, long size, long crc) {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size);
        e.setCompressedSize(size);
        e.setCrc(crc);
        e.setTimeLocal(DOS_EPOCH);                      // not the clock: the same arrays give the same bytes
        return e;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
