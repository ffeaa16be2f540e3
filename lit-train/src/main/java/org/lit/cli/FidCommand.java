package org.lit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.data.HadoopFiles;
import org.lit.eval.fid.FidEvaluation;
import org.lit.eval.metrics.AdmMetrics;
import org.lit.eval.metrics.AdmScores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** lit fid: FID, sFID, Inception Score, precision and recall of a sample batch against a reference batch, as ADM's evaluator. */
@Command(name = "fid", mixinStandardHelpOptions = true,
        description = "FID / sFID / IS / precision / recall as ADM's evaluator computes them; either .npz may hold images (arr_0) or features.")
final class FidCommand implements Runnable {
    @Option(names = "--samples", required = true, description = "sample batch .npz (arr_0, e.g. from lit sample --num) or features (pool_3, spatial, logits)")
    String samples;

    @Option(names = "--ref", required = true, description = "reference batch .npz (ADM's VIRTUAL_imagenet256_labeled.npz, or lit fid-ref's): its mu/sigma/mu_s/sigma_s when present")
    String ref;

    @Option(names = "--inception", description = "Inception weights (.pth or .pb); needed for images (the samples', or the reference's for precision/recall)")
    String inception;

    @Option(names = "--out", description = "also write the scores as JSON here")
    String out;

    @Option(names = "--split-size", defaultValue = "" + AdmMetrics.DEFAULT_SPLIT_SIZE, description = "Inception Score split (default: ${DEFAULT-VALUE}, ADM's)")
    int splitSize;

    @Option(names = "--pr-batch", defaultValue = "" + AdmMetrics.DEFAULT_PR_BATCH, description = "rows and columns of precision/recall's distance blocks (default: ${DEFAULT-VALUE}, ADM's)")
    int prBatch;

    @Mixin
    FeatureJobOptions job;

    @Mixin
    SparkOptions spark;

    @Override
    public void run() {
        AdmScores s;
        try {
            s = FidEvaluation.run(spark.conf(), new FidEvaluation.Options(samples, ref, inception, splitSize, prBatch, job.batch, job.partSize));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Lit.jobFailed("fid", e, " (run the same command again: features already computed are kept)");
        }
        // Not computed (a reference of statistics only has no rows for precision/recall): JSON null.
        Map<String, Double> scores = new LinkedHashMap<>();
        scores.put("fid", s.fid());
        scores.put("sfid", s.sfid());
        scores.put("inception_score", s.inceptionScore());
        scores.put("precision", Double.isNaN(s.precision()) ? null : s.precision());
        scores.put("recall", Double.isNaN(s.recall()) ? null : s.recall());
        System.out.printf("Inception Score: %.6f%nFID: %.6f%nsFID: %.6f%nPrecision: %.6f%nRecall: %.6f%n", s.inceptionScore(), s.fid(), s.sfid(), s.precision(), s.recall());
        if (out == null) return;
        try {
            FileSystem fs = HadoopFiles.fileSystem(new Path(out), new Configuration());
            HadoopFiles.writeReplacing(fs, new Path(out), o -> {
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(o, scores);
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        System.out.println("wrote " + out);
    }
}
