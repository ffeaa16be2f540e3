package org.lit.eval.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.data.HadoopFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Optional;

/**
 * A finished part: samples from .. from + count - 1 as uint8 (H, W, 3) images, one after another, in
 * {@code part-NNNNN.u8}, whose length and CRC-32 its record {@code part-NNNNN.json} holds. The record
 * is written after the data, so its presence means the part is whole.
 */
public record SamplePart(int index, long from, int count, int height, int width, long bytes, long crc32) implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path data(String dir, int index) {
        return new Path(dir, String.format("part-%05d.u8", index));
    }

    static Path record(String dir, int index) {
        return new Path(dir, String.format("part-%05d.json", index));
    }

    void writeRecord(FileSystem fs, String dir) throws IOException {
        HadoopFiles.writeReplacing(fs, record(dir, index), out -> {
            JSON.writerWithDefaultPrettyPrinter().writeValue(out, this);
            return null;
        });
    }

    /** The part's record if it is complete: record present, and data of the length it states. */
    static Optional<SamplePart> complete(FileSystem fs, String dir, int index, long from, int count) throws IOException {
        Path record = record(dir, index), data = data(dir, index);
        if (!fs.exists(record) || !fs.exists(data)) return Optional.empty();
        SamplePart p;
        try (InputStream in = fs.open(record)) {
            p = JSON.readValue(in, SamplePart.class);
        } catch (IOException unreadable) {
            return Optional.empty();                    // a damaged record: sample the part again
        }
        boolean whole = p.index == index && p.from == from && p.count == count && fs.getFileStatus(data).getLen() == p.bytes;
        return whole ? Optional.of(p) : Optional.empty();
    }
}
