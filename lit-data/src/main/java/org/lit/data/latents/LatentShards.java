package org.lit.data.latents;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.TensorFileException;
import org.lit.data.HadoopFiles;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A latent data set opened for training: index.json, every shard's header (checked against it)
 * and every label in memory (ImageNet's 1.28M labels are 5 MB), the samples themselves read on
 * demand, two positioned reads each, from any thread. Sample i is row i - (rows of the shards
 * before) of the shard holding it, in index.json's shard order.
 */
public final class LatentShards implements AutoCloseable {
    private final String uri;
    private final LatentIndex index;
    private final ShardFile[] shards;
    private final int[] starts;     // starts[s]: the global index of shard s's first row; starts[shards] = size
    private final int[] labels;

    private LatentShards(String uri, LatentIndex index, ShardFile[] shards, int[] starts, int[] labels) {
        this.uri = uri;
        this.index = index;
        this.shards = shards;
        this.starts = starts;
        this.labels = labels;
    }

    /** Opens the data set in folder uri (any Hadoop URI) with a default Hadoop configuration. */
    public static LatentShards open(String uri) throws IOException {
        return open(uri, new Configuration());
    }

    public static LatentShards open(String uri, Configuration conf) throws IOException {
        Path dir = new Path(uri);
        FileSystem fs = HadoopFiles.fileSystem(dir, conf);
        LatentIndex index = LatentIndex.read(fs, dir);
        String indexFile = new Path(dir, LatentIndex.FILE).toString();
        if (index.count() > Integer.MAX_VALUE) throw new TensorFileException(indexFile, "key \"count\" " + index.count() + " is beyond this reader's 2^31 samples");
        ShardFile[] shards = new ShardFile[index.shards().size()];
        int[] starts = new int[shards.length + 1];
        int[] labels = new int[(int) index.count()];
        long[] perClass = new long[index.classes().size()];
        try {
            for (int s = 0; s < shards.length; s++) {
                ShardFile.Opened o = ShardFile.open(fs, dir, index.shards().get(s), index);
                shards[s] = o.shard();
                starts[s + 1] = starts[s] + o.labels().length;
                for (int r = 0; r < o.labels().length; r++) {
                    long label = o.labels()[r];
                    if (label < 0 || label >= perClass.length) throw new TensorFileException(o.shard().name, "row " + r + " has label " + label + ", outside [0, " + perClass.length + ")");
                    labels[starts[s] + r] = (int) label;
                    perClass[(int) label]++;
                }
            }
            for (int c = 0; c < perClass.length; c++) {
                if (perClass[c] != index.countPerClass().get(c)) {
                    throw new TensorFileException(indexFile, "key \"count_per_class\" says " + index.countPerClass().get(c) + " samples of class " + c
                            + " (" + index.classes().get(c) + "), the shards' labels hold " + perClass[c]);
                }
            }
        } catch (RuntimeException e) {
            closeAll(shards);
            throw e;
        }
        return new LatentShards(dir.toString(), index, shards, starts, labels);
    }

    public int size() {
        return labels.length;
    }

    public int label(int i) {
        return labels[i];
    }

    /** [C, h, w]. */
    public List<Integer> latentShape() {
        return index.latentShape();
    }

    public double scalingFactor() {
        return index.scalingFactor();
    }

    /** Class names (wnids) in label order. */
    public List<String> classes() {
        return index.classes();
    }

    public LatentIndex.VaeFile vae() {
        return index.vae();
    }

    /** Everything index.json says (resolution, dtype, shards, skipped inputs). */
    public LatentIndex index() {
        return index;
    }

    /** Sample i's mean and std (image then flip); an unreadable or short shard is an error naming it. */
    public Sample read(int i) {
        int s = shardOf(i);
        int row = i - starts[s];
        float[] mean = new float[index.sampleLength()];
        float[] std = new float[index.sampleLength()];
        shards[s].read(row, false, mean);
        shards[s].read(row, true, std);
        return new Sample(i, labels[i], mean, std);
    }

    /** The image sample i was encoded from (the shard's __metadata__ "files"; re-read on each call: for messages, not for loops). */
    public String sourceFile(int i) {
        int s = shardOf(i);
        return shards[s].files().get(i - starts[s]);
    }

    private int shardOf(int i) {
        if (i < 0 || i >= labels.length) throw new IndexOutOfBoundsException("sample " + i + " of " + labels.length + " in " + uri);
        int s = Arrays.binarySearch(starts, i);
        if (s < 0) return -s - 2;
        while (starts[s + 1] == i) s++;     // empty shards share their start with the next one
        return s;
    }

    /** Closes the shards' streams; reads after this are errors. */
    @Override
    public void close() {
        closeAll(shards);
    }

    private static void closeAll(ShardFile[] shards) {
        for (ShardFile f : shards) {
            try {
                if (f != null) f.close();
            } catch (IOException ignored) {
                // a stream that cannot be closed has nothing left for us to release
            }
        }
    }

    @Override
    public String toString() {
        return uri + " (" + labels.length + " samples in " + shards.length + " shards)";
    }
}
