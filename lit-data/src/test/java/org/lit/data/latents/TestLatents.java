package org.lit.data.latents;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.data.SkippedFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Inputs for shards, written the way the encode job will write them; the tests compare what is read back with these. */
final class TestLatents {
    static final List<Integer> SHAPE = List.of(4, 3, 2);
    static final int[] SHAPE_ARRAY = {4, 3, 2};
    static final List<String> CLASSES = List.of("n01440764", "n01443537", "n01484850");
    static final LatentIndex.VaeFile VAE = new LatentIndex.VaeFile("diffusion_pytorch_model.safetensors", "ab".repeat(32));
    static final int ROW = 2 * 4 * 3 * 2;

    /** One shard's inputs: mean and std [n, 2, C, h, w], labels, source paths, skipped inputs. */
    record Inputs(float[] mean, float[] std, long[] labels, List<String> files, List<SkippedFile> skipped) {
        int n() {
            return labels.length;
        }
    }

    /** Random inputs: means of a few units (so float16 rounds most of them), positive stds. */
    static Inputs inputs(int partition, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] mean = new float[n * ROW], std = new float[n * ROW];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) (r.nextDouble(-1, 1) * 4);
            std[i] = (float) r.nextDouble(0.001, 0.5);
        }
        long[] labels = IntStream.range(0, n).mapToLong(i -> r.nextInt(CLASSES.size())).toArray();
        List<String> files = IntStream.range(0, n).mapToObj(i -> "hdfs://nn/imagenet/train/" + CLASSES.get((int) labels[i]) + "/p" + partition + "_" + i + ".JPEG").toList();
        List<SkippedFile> skipped = List.of(new SkippedFile("hdfs://nn/imagenet/train/bad" + partition + ".JPEG", "corrupt JPEG"));
        return new Inputs(mean, std, labels, files, skipped);
    }

    /** Writes shards of the given sizes and then index.json, as the encode job's tasks and driver do; returns each shard's inputs. */
    static List<Inputs> writeDataSet(FileSystem fs, Path dir, LatentDType dtype, int... sizes) throws IOException {
        ShardWriter writer = new ShardWriter(fs, dir, dtype, SHAPE_ARRAY, CLASSES.size());
        List<Inputs> all = new ArrayList<>();
        List<ShardRecord> records = new ArrayList<>();
        for (int p = 0; p < sizes.length; p++) {
            Inputs in = inputs(p, sizes[p], 100 + p);
            records.add(writer.write(p, in.mean(), in.std(), in.labels(), in.files(), in.skipped()));
            all.add(in);
        }
        LatentIndex.of(256, SHAPE, dtype, 0.18215, VAE, CLASSES, records).write(fs, dir);
        return all;
    }

    static float[] stored(LatentDType dtype, float[] values, int from, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) out[i] = dtype.stored(values[from + i]);
        return out;
    }

    private TestLatents() {
    }
}
