package org.lit.cli;

import org.apache.spark.SparkConf;
import picocli.CommandLine.Option;

/** --master of the commands that run as Spark jobs. */
final class SparkOptions {
    @Option(names = "--master", description = "Spark master, e.g. local[2] (default: what spark-submit gives, else the embedded local master)")
    String master;

    /** spark-submit's (or -Dspark.*) settings, with --master over them. */
    SparkConf conf() {
        SparkConf spark = new SparkConf();
        if (master != null) spark.setMaster(master);
        return spark;
    }
}
