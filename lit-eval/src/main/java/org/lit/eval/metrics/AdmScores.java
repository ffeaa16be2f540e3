package org.lit.eval.metrics;

/** The five numbers ADM's evaluator prints. */
public record AdmScores(double fid, double sfid, double inceptionScore, double precision, double recall) {
}
