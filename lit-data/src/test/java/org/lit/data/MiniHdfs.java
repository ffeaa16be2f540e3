package org.lit.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;

/** A real HDFS inside a test: a one-datanode MiniDFSCluster whose storage lives under a folder the test owns. */
public final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final Configuration conf = new Configuration();

    public MiniHdfs(java.nio.file.Path base) throws IOException {
        cluster = new MiniDFSCluster.Builder(conf, base.toFile()).numDataNodes(1).build();
        cluster.waitActive();
    }

    /** hdfs://host:port + path. */
    public String uri(String path) {
        return cluster.getURI() + path;
    }

    public Configuration conf() {
        return conf;
    }

    public FileSystem fs() throws IOException {
        return cluster.getFileSystem();
    }

    /** Writes bytes to path, returning its hdfs:// URI. */
    public String put(String path, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = fs().create(new Path(path), true)) {
            out.write(bytes);
        }
        return uri(path);
    }

    @Override
    public void close() {
        cluster.shutdown();
    }
}
