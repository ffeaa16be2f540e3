package org.lit.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;

/** Input files named by any Hadoop FileSystem URI (hdfs://, s3a://, file:, a plain path), as local files for the readers. */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    /** The file itself when it is local; otherwise a copy in a temporary folder, keeping its name (readers go by extension). */
    public static java.nio.file.Path local(String uri) {
        URI u = URI.create(uri.replace(" ", "%20"));
        if (u.getScheme() == null || u.getScheme().equals("file")) return u.getScheme() == null ? java.nio.file.Path.of(uri) : java.nio.file.Path.of(u);
        try {
            Path remote = new Path(uri);
            FileSystem fs = remote.getFileSystem(new Configuration());
            java.nio.file.Path copy = Files.createTempDirectory("lit-input").resolve(remote.getName());
            fs.copyToLocalFile(remote, new Path(copy.toUri()));
            copy.toFile().deleteOnExit();
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }
}
