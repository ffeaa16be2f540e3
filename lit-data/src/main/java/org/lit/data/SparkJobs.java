package org.lit.data;

import org.apache.spark.SparkConf;

/** What every lit Spark job sets on its configuration. */
public final class SparkJobs {
    /**
     * Task slots of the embedded master for jobs that hold a large network per task (sampling, Inception):
     * one. ND4J's ops already use every core, and each slot would hold its own copy of the network
     * (DiT-XL/2 and the VAE: ~3 GB). A cluster's own master sets its slots (one per GPU).
     */
    public static final int MODEL_SLOTS = 1;

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
