package org.lit.eval.fid;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.lit.core.io.NpzReader;
import org.lit.data.HadoopFiles;
import org.lit.data.SparkJobs;
import org.lit.eval.features.FeatureArrays;
import org.lit.eval.features.FeatureJob;
import org.lit.eval.features.FeaturesNpz;
import org.lit.eval.features.NpzImages;
import org.lit.eval.inception.Features;
import org.lit.eval.metrics.AdmMetrics;
import org.lit.eval.metrics.AdmScores;
import org.lit.eval.metrics.FeatureRows;
import org.lit.eval.metrics.FidStatistics;
import org.lit.eval.metrics.Float32Mean;
import org.lit.eval.metrics.ReferenceBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * `lit fid`: ADM's evaluator over a sample batch and a reference batch. Each side is an .npz of
 * images (arr_0: its features are computed as a Spark job and kept beside it, in {@code
 * <npz>.features/}) or of features (pool_3, spatial, logits). The reference's own mu / sigma /
 * mu_s / sigma_s, where it has them, are what FID and sFID compare with (ADM's read_statistics);
 * its images then serve precision and recall only.
 */
public final class FidEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(FidEvaluation.class);

    /** inception may be null when both sides are features; batch: images per Inception call; rowsPerPart: images per task. */
    public record Options(String samples, String ref, String inception, int splitSize, int prBatch, int batch, int rowsPerPart) {
    }

    private FidEvaluation() {
    }

    public static AdmScores run(SparkConf base, Options o) {
        SparkConf conf = SparkJobs.conf(base, "lit fid " + o.samples(), SparkJobs.MODEL_SLOTS);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            FeatureArrays samples = features(sc, o.samples(), o);
            // ADM reads both batches' statistics alike: a sample batch that carries mu/sigma/mu_s/sigma_s is taken at its word.
            FidStatistics sampleStats = ReferenceBatch.readStatistics(o.samples(), () -> admStatistics(sc, samples));
            FeatureRows samplePool = rows(samples, FeatureArrays.POOL3, Features.POOL3);
            FeatureRows sampleLogits = rows(samples, FeatureArrays.LOGITS, Features.LOGITS);

            boolean stored = ReferenceBatch.hasStatistics(o.ref());
            // A reference with its own statistics needs its rows only for precision/recall: without them (or without
            // the Inception weights its images would need) FID, sFID and IS are still ADM's.
            FeatureArrays ref = stored && !rowsAvailable(o.ref(), o.inception()) ? null : features(sc, o.ref(), o);
            FidStatistics refStats = ReferenceBatch.readStatistics(o.ref(), () -> admStatistics(sc, ref));
            FeatureRows refPool = ref == null ? null : rows(ref, FeatureArrays.POOL3, Features.POOL3);
            if (refPool == null) {
                LOG.warn("{} has statistics but no pool_3 rows (and no images with --inception to make them): precision and recall are not computed", o.ref());
            }
            return new AdmMetrics(o.splitSize(), o.prBatch()).evaluate(sampleStats, samplePool, sampleLogits, refStats, refPool);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * ADM's statistics of a feature set: the covariance in double from the cluster's merged
     * co-moments, and the mean as ADM's float32 np.mean makes it (summed row after row, in the
     * images' order, on the driver): at 50K samples that mean moves FID by about 1e-5.
     */
    static FidStatistics admStatistics(JavaSparkContext sc, FeatureArrays set) {
        try {
            FidStatistics s = set.statistics(sc);
            Float32Mean pool = new Float32Mean(Features.POOL3), spatial = new Float32Mean(Features.SPATIAL);
            set.each(FeatureArrays.POOL3, pool::add);
            set.each(FeatureArrays.SPATIAL, spatial::add);
            return new FidStatistics(s.pool().withMean(pool.mean()), s.spatial().withMean(spatial.mean()));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** An npz's features: read as they are, or computed from its images (needs the Inception weights). */
    static FeatureArrays features(JavaSparkContext sc, String uri, Options o) throws IOException {
        try (NpzReader npz = NpzReader.open(HadoopFiles.source(uri))) {
            if (FeaturesNpz.holdsFeatures(npz)) return FeaturesNpz.of(uri, npz);
            if (!npz.has(NpzImages.ARRAY)) {
                throw new IllegalArgumentException(uri + " holds neither images (arr_0) nor features (pool_3, spatial, logits); it has " + npz.names());
            }
        }
        if (o.inception() == null) throw new IllegalArgumentException(uri + " holds images: give --inception FILE (pytorch-fid's .pth or ADM's .pb) to compute their features");
        return FeatureJob.run(sc, NpzImages.of(uri), new FeatureJob.Options(o.inception(), o.batch(), o.rowsPerPart(), uri + ".features", -1));
    }

    /** Whether the reference's pool_3 rows can be had: stored as features, or its images with the Inception weights. */
    private static boolean rowsAvailable(String uri, String inception) throws IOException {
        try (NpzReader npz = NpzReader.open(HadoopFiles.source(uri))) {
            return FeaturesNpz.holdsFeatures(npz) || (npz.has(NpzImages.ARRAY) && inception != null);
        }
    }

    private static FeatureRows rows(FeatureArrays set, String array, int dim) throws IOException {
        FeatureRows rows = new FeatureRows(dim, Math.toIntExact(set.rows()));
        set.each(array, rows::add);
        return rows;
    }
}
