package org.lit.cli;

import org.apache.spark.SparkConf;
import org.lit.train.SparkTraining;
import org.lit.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * lit train -c FILE --run DIR [--set key=value ...]: trains as a Spark job (embedded local master
 * unless spark-submit sets one), resuming from the run's latest complete checkpoint.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a DiT/LiT; resumes by itself from the latest COMPLETE checkpoint in --run.")
final class TrainCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--run", required = true, description = "run directory (any Hadoop FileSystem URI): config, metrics, checkpoints, samples")
    String run;

    @Option(names = "--master", description = "Spark master, e.g. local[2] (default: what spark-submit gives, else local[W] for train.workers = W, else local[1])")
    String master;

    @Override
    public void run() {
        var config = options.resolve();
        var modelConfig = org.lit.core.config.ModelConfigs.fromConfig(config);
        Trainer.validate(config, modelConfig);   // a config or data mistake fails before Spark starts
        try {
            SparkConf spark = new SparkConf();
            if (master != null) spark.setMaster(master);
            SparkTraining.Summary r = SparkTraining.run(spark, config, run);
            System.out.printf("trained %s to step %d: final loss %.4f, %.1f s of training; run in %s%n", modelConfig.name(), r.steps(), r.lastLoss(),
                    r.seconds(), run);
        } catch (Exception e) {
            throw Lit.jobFailed("training", e, "");
        }
    }
}
