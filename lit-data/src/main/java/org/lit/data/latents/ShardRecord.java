package org.lit.data.latents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.data.SkippedFile;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * The completion record of one shard, `shard-NNNNN.safetensors.complete`, written after the shard
 * is in place: what the driver needs to build index.json without opening the shard (its count,
 * per-class counts and the inputs its partition passed over) and what proves the shard whole
 * (its length and SHA-256). A shard without one counts as missing.
 *
 * @param countPerClass how many rows of each label (indexed by label; length = number of classes)
 * @param skipped       the inputs this shard's partition passed over, which index.json lists
 *                      (Serializable: Spark tasks of the encode job return their record to the driver)
 */
public record ShardRecord(String name, int count, String sha256, long bytes, LatentDType dtype, List<Integer> latentShape,
                          List<Long> countPerClass, List<SkippedFile> skipped) implements Serializable {
    public static final String SUFFIX = ".complete";

    public ShardRecord {
        latentShape = List.copyOf(latentShape);
        countPerClass = List.copyOf(countPerClass);
        skipped = List.copyOf(skipped);
    }

    /** The shard of partition p: shard-00000.safetensors, in partition order. */
    public static String shardName(int partition) {
        return String.format("shard-%05d.safetensors", partition);
    }

    public static Path recordPath(Path dir, int partition) {
        return new Path(dir, shardName(partition) + SUFFIX);
    }

    void write(FileSystem fs, Path dir) throws IOException {
        ObjectNode o = JsonFields.JSON.createObjectNode();
        o.put("name", name).put("count", count).put("sha256", sha256).put("bytes", bytes).put("dtype", dtype.jsonName());
        o.set("latent_shape", JsonFields.numbers(latentShape));
        o.set("count_per_class", JsonFields.numbers(countPerClass));
        o.set("skipped", JsonFields.skippedJson(skipped));
        JsonFields.write(fs, new Path(dir, name + SUFFIX), o);
    }

    /** Reads a record; a missing or mistyped key is an error naming the record file and key. */
    static ShardRecord read(FileSystem fs, Path file) throws IOException {
        JsonFields j = JsonFields.read(fs, file);
        return new ShardRecord(j.text("name"), Math.toIntExact(j.integer("count")), j.text("sha256"), j.integer("bytes"),
                j.dtype("dtype"), j.integers("latent_shape").stream().map(Math::toIntExact).toList(),
                j.integers("count_per_class"), j.skipped("skipped"));
    }
}
