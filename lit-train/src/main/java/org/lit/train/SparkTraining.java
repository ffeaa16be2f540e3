package org.lit.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.lit.core.config.ConfigError;
import org.lit.core.config.ModelConfigs;
import org.lit.data.SparkJobs;
import org.lit.data.TaskGpu;
import org.lit.train.allreduce.AllReduce;
import org.lit.train.allreduce.Transport;
import org.lit.train.allreduce.Transports;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The training job on Spark (DESIGN.md, data flow of a training job): a barrier stage of W tasks,
 * one per worker. Each task takes its GPU from the task's resources, builds the trainer, publishes
 * its all-reduce offer through the barrier's allGather and joins the others; gradients then move
 * between the tasks themselves, never through the driver. A failed task fails the stage; Spark
 * runs it again (as its retry settings allow) and every task resumes from the latest COMPLETE
 * checkpoint. The same code serves local[W], a standalone cluster, YARN and Kubernetes.
 */
public final class SparkTraining {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTraining.class);

    private SparkTraining() {
    }

    /** What each rank reports to the driver; error: a deterministic stop (Trainer.TrainingError), else null. */
    public record Summary(int rank, int attempt, long steps, double lastLoss, double seconds, double allReduceSeconds, int workers, String transport,
                          String error) implements Serializable {
    }

    /** Runs the job with the Spark settings spark-submit (or -Dspark.*) provides; without a master, local[W] (W = train.workers, at least 1). */
    public static Summary run(Config config, String runDir) {
        return run(new SparkConf(), config, runDir);
    }

    public static Summary run(SparkConf base, Config config, String runDir) {
        ParallelConfig parallel = ParallelConfig.from(config);
        TrainConfig train = TrainConfig.from(config);
        SparkConf conf = SparkJobs.conf(base, "lit train " + runDir, parallel.workers());
        String rendered = config.root().render(ConfigRenderOptions.concise());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            int workers = workers(parallel.workers(), sc);
            if (conf.get("spark.master").startsWith("local")) checkLocalSlots(conf.get("spark.master"), workers, sc.defaultParallelism());
            Trainer.checkBatchSplit(train, workers);   // before any task starts
            LOG.info("training on {} worker(s), master {}", workers, conf.get("spark.master"));
            while (true) {
                try {
                    List<Summary> ranks = stage(sc, workers, rendered, runDir, parallel);
                    for (Summary r : ranks) if (r.error() != null) throw new Trainer.TrainingError(r.error());
                    return ranks.stream().filter(r -> r.rank() == 0).findFirst().orElseThrow();
                } catch (SlotWatch.TooFewSlots e) {
                    int fewer = fewerWorkers(train, e.slots);
                    if (fewer < 1) throw new IllegalStateException("train.elastic: " + e.getMessage() + ", and no smaller worker count splits the batch", e);
                    LOG.warn("train.elastic: {}; going on with {} worker(s) instead of {}, from the latest COMPLETE checkpoint", e.getMessage(), fewer, workers);
                    workers = fewer;
                }
            }
        }
    }

    /**
     * One barrier stage of W tasks, each a rank of the job. The shuffle after it makes it a map stage:
     * Spark retries a failed barrier map stage as a whole (a failed barrier result stage it would
     * abort). With train.elastic the driver watches that the cluster keeps W slots for it.
     */
    private static List<Summary> stage(JavaSparkContext sc, int workers, String rendered, String runDir, ParallelConfig parallel) {
        var ranks = sc.parallelize(IntStream.range(0, workers).boxed().toList(), workers).rdd().barrier()
                .mapPartitions(new Task(rendered, runDir), false, ClassTag$.MODULE$.apply(Summary.class)).toJavaRDD().repartition(1);
        return parallel.elastic() ? SlotWatch.await(sc, ranks.collectAsync(), workers, parallel.elasticWait()) : ranks.collect();
    }

    /**
     * A barrier stage needs all W slots at once, and a local master's slots are all it will ever have:
     * Spark would retry for minutes before failing, so too few is a config error now.
     */
    public static void checkLocalSlots(String master, int workers, int slots) {
        if (workers > slots) {
            throw new ConfigError("train.workers", "train.workers = " + workers + " needs " + workers + " task slots, but " + master
                    + " has " + slots + "; run with --master local[" + workers + "] (or -Dspark.master=local[" + workers + "])");
        }
    }

    /** The most workers, at most `slots`, into which the global batch splits (whole micro-batches each); 0 if none. */
    static int fewerWorkers(TrainConfig train, int slots) {
        for (int w = slots; w >= 1; w--) if (Trainer.splitsBatch(train, w)) return w;
        return 0;
    }

    /**
     * train.workers, or with 0 one task per slot: GPUs when executors have them
     * (executor GPUs / task GPUs per executor), otherwise Spark's default parallelism (local[W]: W).
     */
    static int workers(int configured, JavaSparkContext sc) {
        if (configured > 0) return configured;
        SparkConf c = sc.getConf();
        double executorGpus = c.getDouble("spark.executor.resource.gpu.amount", 0);
        if (executorGpus > 0) {
            int executors = c.getInt("spark.executor.instances", Math.max(1, sc.sc().getExecutorIds().size()));
            return (int) (executors * executorGpus / c.getDouble("spark.task.resource.gpu.amount", 1));
        }
        return sc.defaultParallelism();
    }

    /** One worker: rebuilds the config on the executor, joins the all-reduce and trains. */
    private static final class Task extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<Summary>> implements Serializable {
        private final String config;
        private final String runDir;

        Task(String config, String runDir) {
            this.config = config;
            this.runDir = runDir;
        }

        @Override
        public scala.collection.Iterator<Summary> apply(scala.collection.Iterator<Integer> ignored) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            int rank = ctx.partitionId();
            int attempt = ctx.stageAttemptNumber() + ctx.attemptNumber();
            Summary summary;
            try {
                summary = train(ctx, rank, attempt);
            } catch (Trainer.TrainingError | ConfigError e) {
                // Every rank stops here together (the same config, the same all-reduced loss): a retry
                // would stop again, so it is reported, not thrown.
                summary = new Summary(rank, attempt, 0, Double.NaN, 0, 0, ctx.getTaskInfos().length, "", e.getMessage());
            }
            return JavaConverters.asScalaIterator(List.of(summary).iterator());
        }

        private Summary train(BarrierTaskContext ctx, int rank, int attempt) {
            TaskGpu.bind(ctx);
            Config c = ConfigFactory.parseString(config).resolve();
            ParallelConfig p = ParallelConfig.from(c);
            String address = ctx.getTaskInfos()[rank].address();
            String host = address.contains(":") ? address.substring(0, address.lastIndexOf(':')) : address;
            Transport transport = Transports.open(p.transport(), Nd4j.getBackend().getClass().getSimpleName(), host, p.timeout(), p.bucketBytes());
            List<String> offers = List.of(ctx.allGather(transport.offer(rank)));
            try (AllReduce allReduce = transport.join(rank, offers)) {
                Trainer.Result r = new Trainer(c, ModelConfigs.fromConfig(c), runDir, new Worker(allReduce, attempt)).run();
                return new Summary(rank, attempt, r.steps(), r.lastLoss(), r.seconds(), r.allReduceSeconds(), offers.size(), allReduce.transport(), null);
            } catch (IOException e) {
                throw new UncheckedIOException("run directory " + runDir + ": " + e.getMessage(), e);
            }
        }
    }
}
