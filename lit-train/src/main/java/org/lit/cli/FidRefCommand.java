package org.lit.cli;

import org.lit.data.SkippedFile;
import org.lit.eval.fid.FidReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** lit fid-ref: a reference batch in ADM's layout from one's own image folder. */
@Command(name = "fid-ref", mixinStandardHelpOptions = true,
        description = "A reference batch (arr_0, mu, sigma, mu_s, sigma_s) from an image folder, centre-cropped as the data pipeline crops.")
final class FidRefCommand implements Runnable {
    @Mixin
    ImageFolderOptions folder;

    @Option(names = "--inception", required = true, description = "Inception weights (.pth or .pb), any Hadoop URI")
    String inception;

    @Option(names = "--out", required = true, description = "the reference .npz, any Hadoop URI")
    String out;

    @Option(names = "--keep", defaultValue = "10000", description = "images kept in arr_0 for precision/recall, drawn from --seed (default: ${DEFAULT-VALUE}, as ADM's)")
    int keep;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the kept images' draw (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    FeatureJobOptions job;

    @Mixin
    SparkOptions spark;

    @Override
    public void run() {
        FidReference.Report r;
        try {
            r = FidReference.run(spark.conf(), new FidReference.Options(folder.images, folder.resolution, inception, out, keep, seed, job.batch, job.partSize));
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Lit.jobFailed("fid-ref", e, " (run the same command again: features already computed are kept)");
        }
        for (SkippedFile s : r.skipped()) System.out.println("skipped " + s);
        System.out.printf("reference of %d images (%d kept in arr_0, %d file(s) skipped): %s%n", r.images(), r.kept(), r.skipped().size(), out);
    }
}
