package org.lit.eval.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FID, sFID, Inception Score, precision and recall as ADM's evaluator computes them, from features.
 *
 * <p>What the caller brings: the samples' statistics (FeatureStatistics of pool_3 and spatial, streamed
 * and merged, e.g. from Spark partitions) with their pool_3 rows and logits rows in sample order, and the
 * reference's statistics ({@link ReferenceBatch#readStatistics}: the npz's own mu/sigma when present) with
 * its pool_3 rows. Held in memory for 50,000 samples and a 10,000-image reference: 400 MB of sample
 * pool_3 rows, 200 MB of logits, 80 MB of reference rows, plus one prBatch x prBatch block of distances
 * (400 MB at 10000) while precision/recall run.
 */
public final class AdmMetrics {
    public static final int DEFAULT_SPLIT_SIZE = 5000;
    public static final int DEFAULT_PR_BATCH = 10000;

    private final int splitSize;
    private final int prBatch;

    public AdmMetrics() {
        this(DEFAULT_SPLIT_SIZE, DEFAULT_PR_BATCH);
    }

    /** splitSize: rows per Inception Score split; prBatch: ManifoldEstimator's row and column batch size. */
    public AdmMetrics(int splitSize, int prBatch) {
        if (splitSize <= 0 || prBatch <= 0) throw new IllegalArgumentException("split size and batch must be positive: " + splitSize + ", " + prBatch);
        this.splitSize = splitSize;
        this.prBatch = prBatch;
    }

    /** referencePool null (a reference of statistics only): precision and recall are NaN. */
    public AdmScores evaluate(FidStatistics samples, FeatureRows samplePool, FeatureRows sampleLogits,
                              FidStatistics reference, FeatureRows referencePool) {
        if (samplePool.rows() != sampleLogits.rows()) {
            throw new IllegalArgumentException(samplePool.rows() + " sample pool_3 rows but " + sampleLogits.rows() + " logits rows");
        }
        double fid = FrechetDistance.between(samples.pool(), reference.pool());
        double sfid = FrechetDistance.between(samples.spatial(), reference.spatial());
        InceptionScore is = new InceptionScore(sampleLogits.dim(), splitSize);
        for (int from = 0; from < sampleLogits.rows(); from += splitSize) {
            INDArray part = sampleLogits.slice(from, Math.min(sampleLogits.rows(), from + splitSize));
            is.add(part);
        }
        if (referencePool == null) return new AdmScores(fid, sfid, is.value(), Double.NaN, Double.NaN);
        PrecisionRecall pr = new ManifoldEstimator(prBatch, prBatch).precisionRecall(referencePool, samplePool);
        return new AdmScores(fid, sfid, is.value(), pr.precision(), pr.recall());
    }
}
