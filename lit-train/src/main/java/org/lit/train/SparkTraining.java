package org.lit.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.lit.core.config.ModelConfigs;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Runs the trainer as a Spark job: on the embedded `local` master when started with `java -jar`,
 * or on whatever master spark-submit provides. One task trains for now; the barrier stage of W
 * data-parallel tasks replaces it with the Spark runtime (DESIGN.md, data flow of a training job).
 */
public final class SparkTraining {
    private SparkTraining() {
    }

    /** What the task returns to the driver. */
    public record Summary(long steps, double lastLoss, double seconds) implements Serializable {
    }

    public static Summary run(Config config, String runDir) {
        SparkConf conf = new SparkConf().setAppName("lit train " + runDir).setIfMissing("spark.master", "local[1]");
        if (conf.get("spark.master").startsWith("local")) {
            // The embedded master needs no network beyond loopback, and no web UI.
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1").setIfMissing("spark.driver.host", "localhost")
                    .setIfMissing("spark.ui.enabled", "false");
        }
        String rendered = config.root().render(ConfigRenderOptions.concise());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            return sc.parallelize(List.of(0), 1).map(new Task(rendered, runDir)).collect().get(0);
        }
    }

    /** The training task: rebuilds the config on the executor and trains. */
    private static final class Task implements Function<Integer, Summary> {
        private final String config;
        private final String runDir;

        Task(String config, String runDir) {
            this.config = config;
            this.runDir = runDir;
        }

        @Override
        public Summary call(Integer ignored) {
            Config c = ConfigFactory.parseString(config).resolve();
            try {
                Trainer.Result r = new Trainer(c, ModelConfigs.fromConfig(c), runDir).run();
                return new Summary(r.steps(), r.lastLoss(), r.seconds());
            } catch (IOException e) {
                throw new UncheckedIOException("run directory " + runDir + ": " + e.getMessage(), e);
            }
        }
    }
}
