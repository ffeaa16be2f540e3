package org.lit.data.latents;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.io.TempDir;
import org.lit.data.HadoopFiles;

import java.io.IOException;

/** Tests of a data set in a fresh local folder, reached as the job reaches any folder: a Hadoop FileSystem and Path. */
abstract class LocalDirTest {
    @TempDir
    java.nio.file.Path tmp;

    FileSystem fs() throws IOException {
        return HadoopFiles.fileSystem(dir(), new Configuration());
    }

    Path dir() {
        return new Path(tmp.toUri());
    }
}
