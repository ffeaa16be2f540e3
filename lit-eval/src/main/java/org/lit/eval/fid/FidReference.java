package org.lit.eval.fid;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.lit.core.io.DTypes;
import org.lit.core.io.NpzWriter;
import org.lit.data.HadoopFiles;
import org.lit.data.ImageNetFolder;
import org.lit.data.SkippedFile;
import org.lit.data.SparkJobs;
import org.lit.eval.features.FeatureJob;
import org.lit.eval.features.FeatureParts;
import org.lit.eval.features.FolderImages;
import org.lit.eval.metrics.FidStatistics;
import org.lit.eval.metrics.Gaussian;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * `lit fid-ref`: a reference batch in ADM's layout from one's own image folder: {@code mu, sigma}
 * (pool_3) and {@code mu_s, sigma_s} (spatial) over every image, centre-cropped as the data
 * pipeline crops, computed on the cluster; and {@code arr_0}, the crops of --keep images drawn
 * from the seed (ADM's reference batches keep 10,000), for precision and recall.
 */
public final class FidReference {
    /** The folder, crop size, Inception weights, output, images kept in arr_0, their seed, Inception batch, images per task. */
    public record Options(String images, int resolution, String inception, String out, int keep, long seed, int batch, int rowsPerPart) {
    }

    /** Images whose features were computed, those kept in arr_0, the files skipped. */
    public record Report(long images, int kept, List<SkippedFile> skipped) {
    }

    private FidReference() {
    }

    public static Report run(SparkConf base, Options o) {
        if (!o.out().endsWith(".npz")) throw new IllegalArgumentException("--out must name an .npz, got " + o.out());
        FolderImages images = FolderImages.of(o.images(), o.resolution());
        SparkConf conf = SparkJobs.conf(base, "lit fid-ref " + o.images(), SparkJobs.MODEL_SLOTS);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            FeatureParts parts = FeatureJob.run(sc, images, new FeatureJob.Options(o.inception(), o.batch(), o.rowsPerPart(), o.out() + ".parts", -1));
            FidStatistics stats = FidEvaluation.admStatistics(sc, parts);
            java.nio.file.Path spool = Files.createTempFile("lit-fid-ref", ".u8");
            try {
                int kept = spoolKept(images, o, spool);
                write(o, stats, spool, kept);
                return new Report(parts.rows(), kept, parts.skipped());
            } finally {
                Files.deleteIfExists(spool);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + o.out() + ": " + e.getMessage(), e);
        }
    }

    /** The crops of --keep images drawn without replacement from the seed, in listing order, to a local file; how many. */
    private static int spoolKept(FolderImages images, Options o, java.nio.file.Path spool) throws IOException {
        int n = (int) images.count(), k = Math.min(o.keep(), n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(o.seed());
        for (int i = 0; i < k; i++) {                       // a partial Fisher-Yates shuffle: the first k are the draw
            int j = i + rng.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] chosen = java.util.Arrays.copyOf(order, k);
        java.util.Arrays.sort(chosen);
        List<ImageNetFolder.Entry> entries = new ArrayList<>();
        for (int i : chosen) entries.add(images.entries().get(i));
        int[] count = {0};
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 20)) {
            new FolderImages(entries, o.resolution(), images.fingerprint()).read(0, entries.size(), 64, block -> {
                try {
                    out.write(DTypes.encode(block));
                    count[0] += (int) block.size(0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, new ArrayList<>());
        }
        return count[0];
    }

    private static void write(Options o, FidStatistics stats, java.nio.file.Path spool, int kept) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(spool)) {
            for (int r; (r = in.read(buf)) > 0; ) crc.update(buf, 0, r);
        }
        FileSystem fs = HadoopFiles.fileSystem(new Path(o.out()), new Configuration());
        HadoopFiles.writeReplacing(fs, new Path(o.out()), raw -> {
            try (NpzWriter npz = new NpzWriter(new BufferedOutputStream(raw, 1 << 20))) {
                try (OutputStream images = npz.begin("arr_0", DataType.UBYTE, new long[] {kept, o.resolution(), o.resolution(), 3}, crc.getValue());
                     InputStream in = Files.newInputStream(spool)) {
                    in.transferTo(images);
                }
                add(npz, "mu", "sigma", stats.pool());
                add(npz, "mu_s", "sigma_s", stats.spatial());
            }
            return null;
        });
    }

    private static void add(NpzWriter npz, String mean, String covariance, Gaussian g) throws IOException {
        npz.add(mean, Nd4j.createFromArray(g.mean()));
        npz.add(covariance, Nd4j.createFromArray(g.covariance()).reshape(g.dim(), g.dim()));
    }
}
