package org.lit.eval.metrics;

import java.util.Arrays;

/**
 * ADM's ManifoldEstimator with nhood_sizes (3,): k-NN balls around feature vectors, and which vectors of
 * one set fall inside the other set's balls (precision and recall, Kynkaanniemi et al. 2019).
 *
 * <p>A radius is the 4th smallest squared distance in a point's row, the point itself included (ADM's
 * np.partition with kth 0..3, index 3): the distance to its 3rd nearest neighbour. Distances come in
 * blocks of rowBatch x colBatch ({@link DistanceBlock}: float16, or float32 for a block with an
 * overflow; so the block sizes matter, as in ADM). Rows stream: a radius keeps the 4 smallest values seen
 * so far, so no row of distances is held whole; what is held is one block of floats (400 MB at
 * ADM's 10000 x 10000). A sample is inside the reference manifold when d(reference_i, sample) <=
 * radius_i for some i (precision), a reference point when d(reference, sample_j) <= radius_j for some j
 * (recall); both from the same blocks, reference rows by sample columns, as ADM's evaluate_pr.
 */
public final class ManifoldEstimator {
    /** ADM's nhood_sizes = (3,). */
    static final int NEIGHBOURS = 3;

    private final int rowBatch;
    private final int colBatch;
    private int fallbacks;

    public ManifoldEstimator(int rowBatch, int colBatch) {
        if (rowBatch <= 0 || colBatch <= 0) throw new IllegalArgumentException("batch sizes must be positive: " + rowBatch + ", " + colBatch);
        this.rowBatch = rowBatch;
        this.colBatch = colBatch;
    }

    /** ADM's compute_prec_recall: the radii of both sets, then evaluate. */
    public PrecisionRecall precisionRecall(FeatureRows reference, FeatureRows samples) {
        return evaluate(reference, radii(reference), samples, radii(samples));
    }

    /** ADM's manifold_radii: each row's distance to its 3rd nearest neighbour. */
    public float[] radii(FeatureRows features) {
        int n = features.rows();
        if (n <= NEIGHBOURS) throw new IllegalArgumentException("manifold radii need more than " + NEIGHBOURS + " feature rows, got " + n);
        int keep = NEIGHBOURS + 1;
        float[] smallest = new float[n * keep];
        Arrays.fill(smallest, Float.POSITIVE_INFINITY);
        DistanceBlock block = new DistanceBlock(features, features);
        float[] d = new float[Math.min(rowBatch, n) * Math.min(colBatch, n)];
        for (int r0 = 0; r0 < n; r0 += rowBatch) {
            int r1 = Math.min(n, r0 + rowBatch);
            for (int c0 = 0; c0 < n; c0 += colBatch) {
                int c1 = Math.min(n, c0 + colBatch);
                block.compute(r0, r1, c0, c1, d);
                for (int i = 0; i < r1 - r0; i++) {
                    for (int j = 0, at = i * (c1 - c0); j < c1 - c0; j++, at++) insert(smallest, (r0 + i) * keep, keep, d[at]);
                }
            }
        }
        fallbacks += block.fallbacks();
        float[] radii = new float[n];
        for (int i = 0; i < n; i++) radii[i] = smallest[i * keep + NEIGHBOURS];
        return radii;
    }

    /** ADM's evaluate_pr: precision = samples inside some reference ball, recall = reference points inside some sample ball. */
    public PrecisionRecall evaluate(FeatureRows reference, float[] referenceRadii, FeatureRows samples, float[] sampleRadii) {
        int nr = reference.rows(), ns = samples.rows();
        if (referenceRadii.length != nr || sampleRadii.length != ns) {
            throw new IllegalArgumentException("radii for " + referenceRadii.length + " and " + sampleRadii.length + " rows, features have " + nr + " and " + ns);
        }
        boolean[] referenceIn = new boolean[nr];
        boolean[] sampleIn = new boolean[ns];
        DistanceBlock block = new DistanceBlock(reference, samples);
        float[] d = new float[Math.min(rowBatch, nr) * Math.min(colBatch, ns)];
        for (int r0 = 0; r0 < nr; r0 += rowBatch) {
            int r1 = Math.min(nr, r0 + rowBatch);
            for (int c0 = 0; c0 < ns; c0 += colBatch) {
                int c1 = Math.min(ns, c0 + colBatch);
                block.compute(r0, r1, c0, c1, d);
                for (int i = 0; i < r1 - r0; i++) {
                    float radius = referenceRadii[r0 + i];
                    boolean in = referenceIn[r0 + i];
                    for (int j = 0, at = i * (c1 - c0); j < c1 - c0; j++, at++) {
                        if (d[at] <= radius) sampleIn[c0 + j] = true;
                        if (d[at] <= sampleRadii[c0 + j]) in = true;
                    }
                    referenceIn[r0 + i] = in;
                }
            }
        }
        fallbacks += block.fallbacks();
        return new PrecisionRecall(fraction(sampleIn), fraction(referenceIn));
    }

    /** Blocks computed in float32 so far (their float16 values overflowed). */
    public int fallbacks() {
        return fallbacks;
    }

    /** Inserts v into the ascending run a[from, from + k) if it is smaller than the run's largest, dropping that one. */
    private static void insert(float[] a, int from, int k, float v) {
        int i = from + k - 1;
        if (!(v < a[i])) return;
        while (i > from && a[i - 1] > v) {
            a[i] = a[i - 1];
            i--;
        }
        a[i] = v;
    }

    private static double fraction(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) if (f) n++;
        return (double) n / flags.length;
    }
}
