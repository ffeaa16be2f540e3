package org.lit.data;

import org.apache.spark.SparkConf;

/** What every lit Spark job sets on its configuration. */
public final class SparkJobs {
    private SparkJobs() {
    }

    /**
     * The job's configuration: spark-submit's (or -Dspark.*) settings over a default master of
     * local[slots]; the embedded master needs no network beyond loopback, and no web UI.
     */
    public static SparkConf conf(SparkConf base, String appName, int slots) {
        SparkConf conf = base.clone().setAppName(appName).setIfMissing("spark.master", "local[" + Math.max(1, slots) + "]");
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1").setIfMissing("spark.driver.host", "localhost")
                    .setIfMissing("spark.ui.enabled", "false");
        }
        return conf;
    }
}
