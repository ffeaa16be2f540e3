package org.lit.eval.sample;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.diffusion.IndexedDraws;
import org.lit.core.image.SampleGrid;
import org.lit.core.io.Crc32Combine;
import org.lit.core.io.NpzWriter;
import org.lit.data.HadoopFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The driver's last step: the parts, in order, streamed into one ADM sample batch ({@code arr_0}
 * uint8 (N, H, W, 3), plus {@code labels}, the class of each sample), its CRC combined from the
 * parts' so the file is written in one pass; and the PNG grid of the first 64 samples.
 */
final class SampleAssembly {
    private SampleAssembly() {
    }

    static void write(FileSystem fs, SampleOptions o, List<SamplePart> parts) throws IOException {
        SamplePart first = parts.get(0);
        for (SamplePart p : parts) {
            if (p.height() != first.height() || p.width() != first.width()) {
                throw new IllegalStateException("part " + p.index() + " holds " + p.height() + "x" + p.width() + " images, part 0 " + first.height() + "x" + first.width());
            }
        }
        long[] shape = {o.num(), first.height(), first.width(), 3};
        int[] labels = new IndexedDraws(o.seed(), o.model().numClasses()).labels(0, Math.toIntExact(o.num()));
        HadoopFiles.writeReplacing(fs, new Path(o.out()), raw -> {
            try (NpzWriter npz = new NpzWriter(new BufferedOutputStream(raw, 1 << 20))) {
                try (OutputStream images = npz.begin("arr_0", DataType.UBYTE, shape, combined(parts))) {
                    for (SamplePart p : parts) copyChecked(fs, o, p, images);
                }
                npz.add("labels", Nd4j.createFromArray(java.util.Arrays.stream(labels).asLongStream().toArray()));
            }
            return null;
        });
        writeGrid(fs, o, first);
    }

    private static long combined(List<SamplePart> parts) {
        long crc = 0;
        for (SamplePart p : parts) crc = Crc32Combine.combine(crc, p.crc32(), p.bytes());
        return crc;
    }

    /**
     * Copies a part's data, checking it against its record as it goes: a part damaged on disk
     * loses its record (so the next run samples it again) and fails the assembly, naming it.
     */
    private static void copyChecked(FileSystem fs, SampleOptions o, SamplePart p, OutputStream out) throws IOException {
        CRC32 crc = new CRC32();
        long n = 0;
        byte[] buf = new byte[1 << 20];
        try (InputStream in = fs.open(SamplePart.data(o.partsDir(), p.index()))) {
            for (int k; (k = in.read(buf)) > 0; n += k) {
                crc.update(buf, 0, k);
                out.write(buf, 0, k);
            }
        }
        if (n != p.bytes() || crc.getValue() != p.crc32()) {
            fs.delete(SamplePart.record(o.partsDir(), p.index()), false);
            throw new IOException(SamplePart.data(o.partsDir(), p.index()) + " does not match its record (" + n + " bytes, CRC " + Long.toHexString(crc.getValue())
                    + "; recorded " + p.bytes() + ", " + Long.toHexString(p.crc32()) + "): its record is removed; run the same command again to sample it anew");
        }
    }

    /** The first 64 samples (from part 0 onwards), 8 to a row. */
    private static void writeGrid(FileSystem fs, SampleOptions o, SamplePart first) throws IOException {
        int n = (int) Math.min(64, o.num()), image = first.height() * first.width() * 3;
        byte[] pixels = new byte[n * image];
        int have = 0;
        for (int part = 0; have < n; part++) {
            try (InputStream in = fs.open(SamplePart.data(o.partsDir(), part))) {
                have += in.readNBytes(pixels, have * image, (n - have) * image) / image;
            }
        }
        HadoopFiles.writeReplacing(fs, new Path(o.gridFile()), out -> {
            SampleGrid.write(pixels, n, first.height(), first.width(), Math.min(8, n), out);
            return null;
        });
    }
}
