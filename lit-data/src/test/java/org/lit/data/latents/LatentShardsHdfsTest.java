package org.lit.data.latents;

import org.lit.data.CapturedLog;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.data.HadoopFiles;
import org.lit.data.MiniHdfs;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The same format on a real HDFS (a one-datanode MiniDFSCluster started here): writer, verifier, reader and prefetcher through hdfs:// URIs. */
class LatentShardsHdfsTest {
    @TempDir
    static java.nio.file.Path base;
    static MiniHdfs cluster;
    static Configuration conf;

    @BeforeAll
    static void startHdfs() throws IOException {
        cluster = new MiniHdfs(base);
        conf = cluster.conf();
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) cluster.close();
    }

    @Test
    void writeVerifyIndexAndReadThroughHdfs() throws Exception {
        String uri = cluster.uri("/latents/imagenet256");
        Path dir = new Path(uri);
        FileSystem fs = HadoopFiles.fileSystem(dir, conf);
        assertEquals("hdfs", fs.getScheme());
        List<TestLatents.Inputs> inputs = TestLatents.writeDataSet(fs, dir, LatentDType.FLOAT16, 6, 3, 5);
        assertEquals(Arrays.asList("index.json", "shard-00000.safetensors", "shard-00000.safetensors.complete", "shard-00001.safetensors",
                        "shard-00001.safetensors.complete", "shard-00002.safetensors", "shard-00002.safetensors.complete"),
                Arrays.stream(fs.listStatus(dir)).map(s -> s.getPath().getName()).sorted().toList(), "no temporary files left");
        for (int s = 0; s < 3; s++) assertTrue(ShardVerifier.verified(fs, dir, s).isPresent(), "shard " + s);

        try (LatentShards shards = LatentShards.open(uri, conf); Prefetcher p = new Prefetcher(shards, 3)) {
            LatentShardsTest.assertSamplesEqualInputs(shards, inputs, LatentDType.FLOAT16);
            int[] order = new SplittableRandom(11).ints(24, 0, shards.size()).toArray();
            Sample[] got = p.read(order);
            for (int k = 0; k < order.length; k++) {
                assertEquals(order[k], got[k].index());
                assertArrayEquals(shards.read(order[k]).std(), got[k].std());
            }
            assertEquals(inputs.get(1).files().get(2), shards.sourceFile(8));
        }

        Path shard1 = new Path(dir, "shard-00001.safetensors");
        long length = fs.getFileStatus(shard1).getLen();
        fs.delete(shard1, false);
        try (FSDataOutputStream out = fs.create(shard1)) {
            out.write(new byte[(int) length]);         // right length, wrong bytes
        }
        try (CapturedLog warnings = new CapturedLog(ShardVerifier.class)) {
            assertEquals(Optional.empty(), ShardVerifier.verified(fs, dir, 1));
            assertTrue(warnings.messages().get(0).contains(shard1.toString()) && warnings.messages().get(0).contains("SHA-256"), warnings.messages().toString());
        }
    }
}
