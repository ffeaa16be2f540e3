package org.lit.eval.metrics;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.lit.data.SparkJobs;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming, merged and Spark-merged statistics against single-pass ones and np.mean / np.cov written out. */
class FeatureStatisticsTest {
    /** The fixtures' 2048-d pool-like reference set: 3000 rows. */
    private static final SyntheticFeatures POOL = MetricCases.spec(MetricCases.get("fid"), "reference");

    /** max |a - b| / max |b|. */
    private static double relative(double[] a, double[] b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < b.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    private static void assertSame(FeatureStatistics expected, FeatureStatistics actual, double tolerance, String what) {
        assertEquals(expected.count(), actual.count(), what + ": count");
        double mean = relative(actual.mean(), expected.mean()), cov = relative(actual.covariance(), expected.covariance());
        System.out.printf("%s: mean %.1e, covariance %.1e relative to single pass%n", what, mean, cov);
        assertTrue(mean <= tolerance && cov <= tolerance, what + ": mean " + mean + ", covariance " + cov);
    }

    private static FeatureStatistics singlePass(SyntheticFeatures s) {
        return new FeatureStatistics(s.dim()).add(s.all());
    }

    /** Rows [from, to) in batches of 128 (Spark partitions see their own batch boundaries). */
    private static FeatureStatistics part(SyntheticFeatures s, int from, int to) {
        FeatureStatistics st = new FeatureStatistics(s.dim());
        for (int r = from; r < to; r += 128) st.add(s.rows(r, Math.min(to, r + 128)));
        return st;
    }

    @Test
    void meanAndCovarianceAreNumpys() {
        // np.mean / np.cov (ddof 1) written out in double at 24-d, over batches of uneven sizes.
        SyntheticFeatures small = new SyntheticFeatures(5, 1, 301, 24, 4, 0.3f, 0.5f, 0.8f, true);
        INDArray x = small.all();
        double[][] v = x.toDoubleMatrix();
        int n = v.length, d = v[0].length;
        double[] mean = new double[d];
        for (double[] row : v) for (int j = 0; j < d; j++) mean[j] += row[j] / n;
        double[] cov = new double[d * d];
        for (double[] row : v) {
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) cov[i * d + j] += (row[i] - mean[i]) * (row[j] - mean[j]) / (n - 1);
        }
        FeatureStatistics st = new FeatureStatistics(d).add(small.rows(0, 1)).add(small.rows(1, 100)).add(small.rows(100, 301));
        assertTrue(relative(st.mean(), mean) < 1e-14, "mean");
        assertTrue(relative(st.covariance(), cov) < 1e-13, "covariance");
        assertEquals(301, st.count());
    }

    @Test
    void threeMergedPartsEqualOnePass() {
        FeatureStatistics merged = part(POOL, 0, 1000).merge(part(POOL, 1000, 1001)).merge(part(POOL, 1001, POOL.rows()));
        assertSame(singlePass(POOL), merged, 1e-9, "3 merged parts");
        assertSame(singlePass(POOL), new FeatureStatistics(POOL.dim()).merge(singlePass(POOL)), 1e-15, "merged into empty");
    }

    @Test
    void threeSparkPartitionsMergedOnTheDriverEqualOnePass() {
        SyntheticFeatures spec = POOL;
        SparkConf conf = SparkJobs.conf(new SparkConf(), "feature-statistics-test", 2);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            // Three partitions of row ranges; each task makes its rows from the spec and ships back its statistics only.
            List<int[]> ranges = List.of(new int[] {0, 1200}, new int[] {1200, 1900}, new int[] {1900, spec.rows()});
            FeatureStatistics merged = sc.parallelize(ranges, 3).mapPartitions((Iterator<int[]> it) -> {
                FeatureStatistics st = new FeatureStatistics(spec.dim());
                while (it.hasNext()) {
                    int[] r = it.next();
                    st.merge(part(spec, r[0], r[1]));
                }
                return List.of(st).iterator();
            }).reduce(FeatureStatistics::merge);
            assertSame(singlePass(spec), merged, 1e-9, "3 Spark partitions");
        }
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        FeatureStatistics st = part(POOL, 0, 300);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(st);
        }
        FeatureStatistics back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (FeatureStatistics) in.readObject();
        }
        assertSame(st, back, 0, "serialized");
        assertSame(part(POOL, 0, 600), back.add(POOL.rows(300, 600)), 1e-12, "serialized, then fed");
    }

    @Test
    void badInputIsRefused() {
        FeatureStatistics st = new FeatureStatistics(4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> st.add(Nd4j.zeros(3, 5))).getMessage().contains("[3, 5]"));
        assertThrows(IllegalArgumentException.class, () -> st.merge(new FeatureStatistics(3)));
        st.add(Nd4j.ones(1, 4));
        assertThrows(IllegalStateException.class, st::covariance);
    }
}
