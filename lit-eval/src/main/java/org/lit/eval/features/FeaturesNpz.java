package org.lit.eval.features;

import org.apache.spark.api.java.JavaSparkContext;
import org.lit.core.io.NpzReader;
import org.lit.data.HadoopFiles;
import org.lit.eval.inception.Features;
import org.lit.eval.metrics.FeatureStatistics;
import org.lit.eval.metrics.FidStatistics;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;

/** An .npz that holds features (pool_3, spatial, logits) rather than images: `lit features`' output, or one's own. */
public record FeaturesNpz(String uri, long rows) implements FeatureArrays {
    private static final int BLOCK = 4096;

    /** Whether the npz holds features instead of images. */
    public static boolean holdsFeatures(NpzReader npz) {
        return npz.has(POOL3) && npz.has(SPATIAL) && npz.has(LOGITS);
    }

    /** Checks the three arrays' shapes. */
    public static FeaturesNpz of(String uri, NpzReader npz) {
        long n = npz.header(POOL3).shape()[0];
        check(uri, npz, POOL3, n, Features.POOL3);
        check(uri, npz, SPATIAL, n, Features.SPATIAL);
        check(uri, npz, LOGITS, n, Features.LOGITS);
        return new FeaturesNpz(uri, n);
    }

    private static void check(String uri, NpzReader npz, String array, long n, int dim) {
        long[] s = npz.header(array).shape();
        if (s.length != 2 || s[0] != n || s[1] != dim) {
            throw new IllegalArgumentException(uri + ": " + array + " has shape " + Arrays.toString(s) + ", expected [" + n + ", " + dim + "]");
        }
    }

    @Override
    public void each(String array, Consumer<INDArray> sink) throws IOException {
        try (NpzReader npz = NpzReader.open(HadoopFiles.source(uri)); NpzReader.Rows r = npz.rows(array, BLOCK)) {
            for (INDArray b; (b = r.next()) != null; ) sink.accept(b.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        }
    }

    /** Computed here, on the driver: a features file is already small enough (its images were reduced to rows). */
    @Override
    public FidStatistics statistics(JavaSparkContext sc) throws IOException {
        FeatureStatistics pool = new FeatureStatistics(Features.POOL3), spatial = new FeatureStatistics(Features.SPATIAL);
        each(POOL3, pool::add);
        each(SPATIAL, spatial::add);
        return FidStatistics.of(pool, spatial);
    }
}
