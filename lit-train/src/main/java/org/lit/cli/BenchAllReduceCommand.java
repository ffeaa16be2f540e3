package org.lit.cli;

import com.typesafe.config.Config;
import org.apache.spark.SparkConf;
import org.lit.bench.AllReduceBenchmark;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.data.SyntheticShapes;
import org.lit.train.SparkTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Data-parallel training speed on this machine: for each worker count W, a real training run under
 * Spark local[W] (per-worker batch fixed, so the global batch is W x batch) reporting images/s and
 * the share of step time in the gradient all-reduce; then the TCP ring's bytes/s on the model's
 * gradient buffer against a plain loopback socket copy of the same bytes, in the same run.
 */
@Command(name = "bench-allreduce", mixinStandardHelpOptions = true,
        description = "Images/s and all-reduce share for W workers (Spark local[W]); ring bytes/s vs a loopback socket copy.")
final class BenchAllReduceCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--workers", split = ",", defaultValue = "1,2", description = "worker counts (default: ${DEFAULT-VALUE})")
    List<Integer> workers;

    @Option(names = "--batch", defaultValue = "8", description = "images per worker per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "6", description = "training steps per worker count (default: ${DEFAULT-VALUE})")
    int steps;

    @Override
    public void run() {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("lit-bench-allreduce");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SyntheticShapes.write(tmp.resolve("data"), 64, 32, 0);
        String[] pixelModel = {"model.name=LiT-S/4", "model.input-size=32", "model.in-channels=3", "model.num-classes=4"};
        Config base = options.resolve(pixelModel);
        long params = DiffusionTransformer.info(org.lit.core.config.ModelConfigs.fromConfig(base)).parameters();
        System.out.printf("lit bench-allreduce: %s, %,d parameters (%.1f MB of float32 gradients), %d images per worker, %d steps, %d cores%n",
                base.getString("model.name"), params, params * 4 / 1e6, batch, steps, Runtime.getRuntime().availableProcessors());
        System.out.printf("%n%-3s %12s %10s %14s %16s%n", "W", "global batch", "images/s", "s/step", "all-reduce share");
        for (int w : workers) {
            Config c = options.resolve(List.of("data.path=\"" + tmp.resolve("data/train") + "\"", "train.workers=" + w, "train.global-batch=" + w * batch,
                    "train.micro-batch=" + batch, "train.steps=" + steps, "train.log-every=" + steps, "train.checkpoint-every=" + steps,
                    "train.sample-every=0", "train.sample-steps=1"), pixelModel);
            SparkTraining.Summary s = SparkTraining.run(new SparkConf().setMaster("local[" + w + "]"), c, tmp.resolve("run-" + w).toString());
            System.out.printf("%-3d %12d %10.1f %14.3f %15.1f%%%n", w, w * batch, steps * w * batch / s.seconds(), s.seconds() / steps,
                    100 * s.allReduceSeconds() / s.seconds());
        }
        int n = (int) params;
        double ring = AllReduceBenchmark.ringSeconds(2, n, 5, base.getLong("train.allreduce.bucket-mb") << 20);
        double copy = AllReduceBenchmark.socketCopySeconds(4L * n, 5);
        // A ring of W moves 2(W-1)/W of the buffer through each link: for W=2, the buffer once.
        double busBytes = 4.0 * n * 2 * (2 - 1) / 2;
        System.out.printf("%nall-reduce of %.1f MB over a 2-rank TCP ring on loopback: %.3f s, %.2f GB/s per link (bus bandwidth)%n", 4.0 * n / 1e6, ring,
                busBytes / ring / 1e9);
        System.out.printf("plain loopback socket copy of the same bytes:           %.3f s, %.2f GB/s%n", copy, 4.0 * n / copy / 1e9);
        System.out.printf("ring / socket copy bandwidth: %.2f%n", busBytes / ring / (4.0 * n / copy));
    }
}
