package org.lit.eval.features;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.lit.core.io.Crc32Combine;
import org.lit.core.io.DTypes;
import org.lit.core.io.NpzReader;
import org.lit.core.io.NpzWriter;
import org.lit.data.HadoopFiles;
import org.lit.data.SkippedFile;
import org.lit.eval.inception.Features;
import org.lit.eval.metrics.FeatureStatistics;
import org.lit.eval.metrics.FidStatistics;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import scala.Tuple2;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The finished parts of a feature job, in order. */
public record FeatureParts(String dir, List<FeaturePart> parts) implements FeatureArrays {
    private static final Map<String, Integer> DIMS = Map.of(POOL3, Features.POOL3, SPATIAL, Features.SPATIAL, LOGITS, Features.LOGITS);

    @Override
    public long rows() {
        return parts.stream().mapToLong(FeaturePart::rows).sum();
    }

    public List<SkippedFile> skipped() {
        return parts.stream().flatMap(p -> p.skipped().stream()).toList();
    }

    @Override
    public void each(String array, Consumer<INDArray> sink) throws IOException {
        for (FeaturePart p : parts) sink.accept(read(dir, p, array));
    }

    /**
     * On the cluster: each task the statistics of one part, merged pairwise up a tree on the
     * executors, in double; the driver receives one pair (not one per part, nor the rows).
     */
    @Override
    public FidStatistics statistics(JavaSparkContext sc) {
        String d = dir;
        Tuple2<FeatureStatistics, FeatureStatistics> s = sc.parallelize(parts, Math.max(1, parts.size())).map(p -> {
            FeatureStatistics pool = new FeatureStatistics(Features.POOL3), spatial = new FeatureStatistics(Features.SPATIAL);
            if (p.rows() > 0) {
                pool.add(read(d, p, POOL3));
                spatial.add(read(d, p, SPATIAL));
            }
            return new Tuple2<>(pool, spatial);
        }).treeReduce((a, b) -> new Tuple2<>(a._1().merge(b._1()), a._2().merge(b._2())), depth(parts.size()));
        return FidStatistics.of(s._1(), s._2());
    }

    /**
     * Levels of the merge tree: pairwise (log2 of the parts), so the driver receives two or three
     * pairs (66 MB each at 2048-d) whatever the number of parts; Spark's default depth 2 would send
     * it sqrt(parts) of them, past spark.driver.maxResultSize (1 GB) beyond about 300 parts.
     */
    static int depth(int parts) {
        return Math.max(2, 32 - Integer.numberOfLeadingZeros(Math.max(1, parts - 1)));
    }

    /** The parts joined into one .npz (pool_3, spatial, logits), streamed, its CRCs combined from the parts'. */
    public void write(String out) throws IOException {
        FileSystem fs = HadoopFiles.fileSystem(new Path(out), new Configuration());
        HadoopFiles.writeReplacing(fs, new Path(out), raw -> {
            try (NpzWriter npz = new NpzWriter(new BufferedOutputStream(raw, 1 << 20))) {
                for (String array : List.of(POOL3, SPATIAL, LOGITS)) {
                    long crc = 0;
                    for (FeaturePart p : parts) crc = Crc32Combine.combine(crc, p.crc(array), 4L * p.rows() * DIMS.get(array));
                    try (OutputStream o = npz.begin(array, DataType.FLOAT, new long[] {rows(), DIMS.get(array)}, crc)) {
                        each(array, block -> {
                            try {
                                o.write(DTypes.encode(block));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                    }
                }
            }
            return null;
        });
    }

    /**
     * One array of a part, checked against the CRC its record holds: a part damaged on disk loses its
     * record (so the next run computes it again) and fails the job, naming it.
     */
    private static INDArray read(String dir, FeaturePart p, String array) throws IOException {
        Path file = FeaturePart.data(dir, p.index());
        INDArray a;
        try (NpzReader npz = NpzReader.open(HadoopFiles.source(file.toString()))) {
            a = npz.read(array);
        } catch (RuntimeException unreadable) {
            throw damaged(file, dir, p, array + " unreadable: " + unreadable.getMessage());
        }
        if (a.size(0) != p.rows() || FeatureArrays.crc(a) != p.crc(array)) {
            throw damaged(file, dir, p, array + " has " + a.size(0) + " rows and CRC " + Long.toHexString(FeatureArrays.crc(a)) + ", its record says "
                    + p.rows() + " and " + Long.toHexString(p.crc(array)));
        }
        return a;
    }

    private static IOException damaged(Path file, String dir, FeaturePart p, String what) throws IOException {
        FileSystem fs = HadoopFiles.fileSystem(file, new Configuration());
        fs.delete(FeaturePart.record(dir, p.index()), false);
        return new IOException(file + " does not match its record (" + what + "): its record is removed; run the same command again to compute it anew");
    }
}
