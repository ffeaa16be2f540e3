package org.lit.cli;

import org.apache.spark.api.java.JavaSparkContext;
import org.lit.data.SparkJobs;
import org.lit.eval.features.FeatureJob;
import org.lit.eval.features.FeatureParts;
import org.lit.eval.features.NpzImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;

/** lit features: ADM's Inception features of an image batch (arr_0) as an .npz of pool_3, spatial and logits. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Inception features of arr_0 (uint8 N x H x W x 3): pool_3 (N, 2048), spatial (N, 2023), logits (N, 1008), float32.")
final class FeaturesCommand implements Runnable {
    @Option(names = "--inception", required = true, description = "pytorch-fid's pt_inception-2015-12-05-6726825d.pth or ADM's classify_image_graph_def.pb, any Hadoop URI")
    String inception;

    @Option(names = "--images", required = true, description = "an .npz with arr_0, any Hadoop URI")
    String images;

    @Option(names = "--out", required = true, description = "the features .npz, any Hadoop URI")
    String out;

    @Mixin
    FeatureJobOptions job;

    @Mixin
    SparkOptions spark;

    @Override
    public void run() {
        if (!out.endsWith(".npz")) throw new IllegalArgumentException("--out must name an .npz, got " + out);
        NpzImages source = NpzImages.of(images);
        FeatureJob.network(inception);                 // a bad weights file fails here, before Spark starts
        FeatureParts parts;
        try (JavaSparkContext sc = new JavaSparkContext(SparkJobs.conf(spark.conf(), "lit features " + images, SparkJobs.MODEL_SLOTS))) {
            parts = FeatureJob.run(sc, source, new FeatureJob.Options(inception, job.batch, job.partSize, out + ".parts", -1));
        } catch (RuntimeException e) {
            throw Lit.jobFailed("features", e, " (run the same command again: finished parts are kept)");
        }
        try {
            parts.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        System.out.printf("features of %d images: %s (pool_3, spatial, logits)%n", parts.rows(), out);
    }
}
