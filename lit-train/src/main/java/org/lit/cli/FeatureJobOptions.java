package org.lit.cli;

import picocli.CommandLine.Option;

/** How the Inception features of many images are computed: a Spark job's batch and cut. */
final class FeatureJobOptions {
    @Option(names = "--batch", defaultValue = "64", description = "images per Inception call (default: ${DEFAULT-VALUE}, ADM's)")
    int batch;

    @Option(names = "--part-size", defaultValue = "1000", description = "images per Spark task, the unit a re-run skips (default: ${DEFAULT-VALUE})")
    int partSize;
}
