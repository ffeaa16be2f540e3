package org.lit.eval.layers;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.data.HadoopFiles;

import java.io.IOException;
import java.io.OutputStream;

/** A folder of results, local or any Hadoop URI; each file is written whole under a temporary name, then renamed into place. */
public final class OutputFolder {
    /** Writes one file's bytes. */
    @FunctionalInterface
    public interface Content {
        void write(OutputStream out) throws IOException;
    }

    private final Path dir;
    private final FileSystem fs;

    public OutputFolder(String uri) throws IOException {
        this.dir = new Path(uri);
        this.fs = HadoopFiles.fileSystem(dir, new Configuration());
        if (!fs.mkdirs(dir)) throw new IOException("cannot create " + uri);
    }

    /** The URI of a file in the folder. */
    public String uri(String name) {
        return new Path(dir, name).toString();
    }

    public void write(String name, Content content) throws IOException {
        HadoopFiles.writeReplacing(fs, new Path(dir, name), o -> {
            content.write(o);
            return null;
        });
    }
}
