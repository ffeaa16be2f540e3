package org.lit.cli;

import picocli.CommandLine.Option;

/** The options of commands that read an ImageNet-style folder through ADM's centre crop. */
final class ImageFolderOptions {
    @Option(names = "--images", required = true, description = "ROOT/<class>/<images> on any Hadoop URI (hdfs://, s3a://, file:) or a local path")
    String images;

    @Option(names = "--resolution", defaultValue = "256", description = "ADM centre crop side in pixels (default: ${DEFAULT-VALUE})")
    int resolution;
}
