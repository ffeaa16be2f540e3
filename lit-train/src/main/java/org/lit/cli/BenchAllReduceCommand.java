package org.lit.cli;

import com.typesafe.config.Config;
import org.apache.spark.SparkConf;
import org.lit.bench.AllReduceBenchmark;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.data.SyntheticShapes;
import org.lit.train.ParallelConfig;
import org.lit.train.SparkTraining;
import org.lit.train.allreduce.Transports;
import org.nd4j.linalg.factory.Nd4j;
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
 * the share of step time the training thread waits on the gradient all-reduce; for W = 2 that
 * share with the sum after the backward and overlapped with it, in the same run; then the TCP
 * ring's bytes/s on the model's gradient buffer against a plain loopback socket copy of the same bytes.
 */
@Command(name = "bench-allreduce", mixinStandardHelpOptions = true,
        description = "Images/s and all-reduce wait share for W workers (Spark local[W]), W=2 with overlap off and on; the all-reduce's bytes/s (train.allreduce.transport: the TCP ring, or NCCL between this node's GPUs) vs a loopback socket copy.")
final class BenchAllReduceCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--workers", split = ",", defaultValue = "1,2", description = "worker counts (default: ${DEFAULT-VALUE})")
    List<Integer> workers;

    @Option(names = "--batch", defaultValue = "8", description = "images per worker per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "6", description = "training steps per worker count (default: ${DEFAULT-VALUE})")
    int steps;

    private static final int WARMUP = 2;

    private int runs;

    /** {seconds, allreduce_seconds} of the metrics line of a step (both cumulative). */
    private static double[] metrics(Path run, int step) {
        try {
            for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
                var j = new org.nd4j.shade.jackson.databind.ObjectMapper().readTree(line);
                if (j.get("step").asInt() == step) return new double[] {j.get("seconds").asDouble(), j.get("allreduce_seconds").asDouble()};
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no metrics line for step " + step + " in " + run);
    }

    /** Steady state of one run: steps after the warm-up to the last, before the final checkpoint and samples. */
    private record Steady(double secondsPerStep, double imagesPerSecond, double waitPerStep) {
        double waitShare() {
            return waitPerStep / secondsPerStep;
        }

        void printWait(String label) {
            System.out.printf("%-34s %10.3f %14.3f %9.1f%%%n", label, secondsPerStep, waitPerStep, 100 * waitShare());
        }
    }

    private Steady train(Path tmp, int w, boolean overlap, String[] pixelModel) {
        Config c = options.resolve(List.of("data.path=\"" + tmp.resolve("data/train") + "\"", "train.workers=" + w, "train.global-batch=" + w * batch,
                "train.micro-batch=" + batch, "train.steps=" + steps, "train.log-every=1", "train.checkpoint-every=" + steps,
                "train.sample-every=0", "train.sample-steps=2", "train.allreduce.overlap=" + overlap), pixelModel);
        // A fresh directory per run: a run directory with a last checkpoint would resume and train nothing.
        Path run = tmp.resolve("run-" + (++runs) + "-w" + w + (overlap ? "-overlap" : "-after"));
        SparkTraining.run(new SparkConf().setMaster("local[" + w + "]"), c, run.toString());
        double[] first = metrics(run, WARMUP), last = metrics(run, steps);
        int timed = steps - WARMUP;
        double seconds = last[0] - first[0];
        return new Steady(seconds / timed, timed * w * batch / seconds, (last[1] - first[1]) / timed);
    }

    @Override
    public void run() {
        if (steps <= WARMUP) throw new IllegalArgumentException("--steps must exceed the " + WARMUP + " warm-up steps");
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
        ParallelConfig parallel = ParallelConfig.from(base);
        System.out.printf("lit bench-allreduce: %s, %,d parameters (%.1f MB of float32 gradients), %d images per worker, %d steps, %d cores%n",
                base.getString("model.name"), params, params * 4 / 1e6, batch, steps, Runtime.getRuntime().availableProcessors());
        System.out.printf("%n%-3s %12s %10s %14s %16s%n", "W", "global batch", "images/s", "s/step", "all-reduce share");
        for (int w : workers) {
            Steady s = train(tmp, w, parallel.overlap(), pixelModel);
            System.out.printf("%-3d %12d %10.2f %14.3f %15.1f%%%n", w, w * batch, s.imagesPerSecond(), s.secondsPerStep(), 100 * s.waitShare());
        }
        // The same job twice, back to back: the sum after the backward, then overlapped with it.
        Steady after = train(tmp, 2, false, pixelModel), overlapped = train(tmp, 2, true, pixelModel);
        System.out.printf("%nW=2, the training thread waiting on the gradient all-reduce (buckets of train.allreduce.bucket-mb = %.4g, %d of them):%n",
                parallel.bucketBytes() / (double) (1 << 20), (4 * params + parallel.bucketBytes() - 1) / parallel.bucketBytes());
        System.out.printf("%-34s %10s %14s %10s%n", "", "s/step", "waiting s/step", "share");
        after.printWait("overlap off (sum after backward)");
        overlapped.printWait("overlap on (sum during backward)");
        int n = (int) params;
        // The transport train.allreduce.transport picks: the TCP ring on loopback, or NCCL between this node's GPUs.
        int world = Math.max(2, workers.stream().mapToInt(Integer::intValue).max().orElse(2));
        String transport = Transports.resolve(parallel.transport(), Nd4j.getBackend().getClass().getSimpleName());
        double ring = AllReduceBenchmark.sumSeconds(parallel, world, n, 5);
        double copy = AllReduceBenchmark.socketCopySeconds(4L * n, 5);
        // A ring of W moves 2(W-1)/W of the buffer through each link (NCCL's bus bandwidth counts the same).
        double busBytes = 4.0 * n * 2 * (world - 1) / world;
        String over = transport.equals("nccl") ? world + " GPUs of this node (NCCL, rank r on GPU r)" : "a " + world + "-rank TCP ring on loopback";
        System.out.printf("%nall-reduce of %.1f MB over %s: %.3f s, %.2f GB/s per link (bus bandwidth), %.2f GB/s over all %d links%n",
                4.0 * n / 1e6, over, ring, busBytes / ring / 1e9, world * busBytes / ring / 1e9, world);
        System.out.printf("plain loopback socket copy of the same bytes:           %.3f s, %.2f GB/s%n", copy, 4.0 * n / copy / 1e9);
        System.out.printf("all-reduce / socket copy bandwidth: %.2f per link, %.2f over all links (a TCP ring's links share this machine's loopback)%n",
                busBytes / ring / (4.0 * n / copy), world * busBytes / ring / (4.0 * n / copy));
        System.out.println("images/s and s/step: steps " + (WARMUP + 1) + ".." + steps + " from metrics.jsonl (after " + WARMUP + " warm-up steps); "
                + "all-reduce share and waiting: allreduce_seconds, the time the training thread is blocked summing (with overlap, what the backward did not hide)");
    }
}
