package org.lit.eval.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.data.HadoopFiles;
import org.lit.data.SkippedFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A finished part of a feature job: the features of images from .. to - 1 (rows of them, after
 * skipped files) in {@code part-NNNNN.npz} (pool_3, spatial, logits, float32), and its record
 * {@code part-NNNNN.json}, written after it, with each array's CRC-32 (so parts join into one npz
 * in one pass) and the files skipped.
 */
public record FeaturePart(int index, long from, long to, int rows, List<SkippedFile> skipped, long crcPool3, long crcSpatial, long crcLogits)
        implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path data(String dir, int index) {
        return new Path(dir, String.format("part-%05d.npz", index));
    }

    static Path record(String dir, int index) {
        return new Path(dir, String.format("part-%05d.json", index));
    }

    long crc(String array) {
        return switch (array) {
            case FeatureArrays.POOL3 -> crcPool3;
            case FeatureArrays.SPATIAL -> crcSpatial;
            case FeatureArrays.LOGITS -> crcLogits;
            default -> throw new IllegalArgumentException("no feature array " + array);
        };
    }

    void writeRecord(FileSystem fs, String dir) throws IOException {
        HadoopFiles.writeReplacing(fs, record(dir, index), out -> {
            JSON.writerWithDefaultPrettyPrinter().writeValue(out, this);
            return null;
        });
    }

    /** The part's record if it is complete: its record, for the same rows, and its data present. */
    static Optional<FeaturePart> complete(FileSystem fs, String dir, int index, long from, long to) throws IOException {
        Path record = record(dir, index);
        if (!fs.exists(record) || !fs.exists(data(dir, index))) return Optional.empty();
        FeaturePart p;
        try (InputStream in = fs.open(record)) {
            p = JSON.readValue(in, FeaturePart.class);
        } catch (IOException unreadable) {
            return Optional.empty();                    // a damaged record: compute the part again
        }
        return p.index == index && p.from == from && p.to == to ? Optional.of(p) : Optional.empty();
    }
}
