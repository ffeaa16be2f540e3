package org.lit.cli;

import org.lit.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** lit train -c FILE --run DIR [--set key=value ...]: trains, resuming from the run's latest complete checkpoint. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a DiT/LiT; resumes by itself from the latest COMPLETE checkpoint in --run.")
final class TrainCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--run", required = true, description = "run directory (any Hadoop FileSystem URI): config, metrics, checkpoints, samples")
    String run;

    @Override
    public void run() {
        var config = options.resolve();
        var modelConfig = org.lit.core.config.ModelConfigs.fromConfig(config);
        try {
            Trainer.Result r = new Trainer(config, modelConfig, run).run();
            System.out.printf("trained %s to step %d: final loss %.4f, %s wall time; run in %s%n", modelConfig.name(), r.steps(), r.lastLoss(),
                    String.format("%.1f s", r.seconds()), run);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("run directory " + run + ": " + e.getMessage(), e);
        } catch (Trainer.TrainingError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
