package org.lit.cli;

import org.lit.data.SkippedFile;
import org.lit.data.encode.EncodeJob;
import org.lit.data.encode.EncodeOptions;
import org.lit.data.latents.LatentDType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * lit encode: an image folder to VAE latent shards, as a Spark job (embedded local master unless
 * --master or spark-submit gives one). Run it again on the same --out to finish an interrupted set.
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Encode an ImageNet-style folder (<class>/<image>) into latent shards + index.json; resumable.")
final class EncodeCommand implements Runnable {
    @Mixin
    ImageFolderOptions folder;

    @Option(names = "--vae", required = true, description = "VAE weights (diffusion_pytorch_model.safetensors or .bin, or its folder), any Hadoop URI")
    String vae;

    @Option(names = "--out", required = true, description = "output folder, any Hadoop URI")
    String out;

    @Option(names = "--shard-mb", defaultValue = "1024", description = "about this many MB per shard; a task holds one shard in memory (default: ${DEFAULT-VALUE})")
    double shardMb;

    @Option(names = "--dtype", defaultValue = "float16", description = "float16 | float32 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--batch", defaultValue = "8", description = "images per encoder call; each goes in with its flip (default: ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    SparkOptions spark;

    @Option(names = "--fault-kill-shard", hidden = true, defaultValue = "-1", description = "tests: this shard's task dies on its first attempt")
    int killShard;

    @Override
    public void run() {
        EncodeOptions o = new EncodeOptions(folder.images, vae, folder.resolution, out, shardMb, LatentDType.parse(dtype), batch, killShard);
        EncodeJob.Report r;
        try {
            r = EncodeJob.run(spark.conf(), o);
        } catch (IllegalArgumentException e) {
            throw e;                                    // bad input found before any task ran: already the user's message
        } catch (Exception e) {
            throw Lit.jobFailed("encode", e, " (run the same command again to finish the set)");
        }
        for (SkippedFile s : r.skipped()) System.out.println("skipped " + s);
        System.out.printf("encoded %d images into %d shard(s) (%d written by this run), %d file(s) skipped, %.1f s: %s/index.json%n",
                r.images(), r.shards(), r.encoded(), r.skipped().size(), r.seconds(), out);
    }
}
