package org.lit.eval.metrics;

/** Improved precision (samples inside the reference manifold) and recall (reference inside the samples' manifold). */
public record PrecisionRecall(double precision, double recall) {
}
