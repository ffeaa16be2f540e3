package org.lit.cli;

import org.apache.spark.SparkConf;
import picocli.CommandLine.Option;

/** How the Inception features of many images are computed: a Spark job's batch, cut and master. */
final class FeatureJobOptions {
    @Option(names = "--batch", defaultValue = "64", description = "images per Inception call (default: ${DEFAULT-VALUE}, ADM's)")
    int batch;

    @Option(names = "--part-size", defaultValue = "1000", description = "images per Spark task, the unit a re-run skips (default: ${DEFAULT-VALUE})")
    int partSize;

    @Option(names = "--master", description = "Spark master, e.g. local[2] (default: what spark-submit gives, else local[cores])")
    String master;

    SparkConf spark() {
        SparkConf spark = new SparkConf();
        if (master != null) spark.setMaster(master);
        return spark;
    }
}
