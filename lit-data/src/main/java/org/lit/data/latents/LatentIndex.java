package org.lit.data.latents;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.TensorFileException;
import org.lit.data.SkippedFile;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * index.json of a latent data set (format "lit-latents/1"): what the shards hold and how to use
 * them. The encode job's driver writes it LAST, from the shards' completion records, so a folder
 * with an index.json is a finished data set; readers (this project's, a PyTorch user's) start here.
 *
 * @param latentShape   [C, h, w] of one latent (4, 32, 32 at 256 px)
 * @param scalingFactor the VAE's: training uses (mean + std * eps) * scalingFactor
 * @param classes       the class folder names (wnids), in label order
 * @param shards        in order: global sample i is row i - (rows before) of the shard holding it
 */
public record LatentIndex(int resolution, List<Integer> latentShape, LatentDType dtype, double scalingFactor, VaeFile vae,
                          List<String> classes, List<Long> countPerClass, long count, List<Shard> shards, List<SkippedFile> skipped) {
    public static final String FORMAT = "lit-latents/1";
    public static final String FILE = "index.json";

    /** The VAE file the latents were encoded with: its name and SHA-256. */
    public record VaeFile(String file, String sha256) {
    }

    /** One shard as the index lists it. */
    public record Shard(String name, int count, String sha256) {
    }

    public LatentIndex {
        latentShape = List.copyOf(latentShape);
        classes = List.copyOf(classes);
        countPerClass = List.copyOf(countPerClass);
        shards = List.copyOf(shards);
        skipped = List.copyOf(skipped);
    }

    /**
     * The index of shards 0..n-1 from their completion records (in partition order): per-class
     * counts summed, skipped lists concatenated. A record of another dtype, latent shape or number
     * of classes (a re-run into the same folder with other settings) is an error naming it.
     */
    public static LatentIndex of(int resolution, List<Integer> latentShape, LatentDType dtype, double scalingFactor, VaeFile vae,
                                 List<String> classes, List<ShardRecord> records) {
        long[] perClass = new long[classes.size()];
        List<Shard> shards = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ShardRecord r = records.get(i);
            String expected = ShardRecord.shardName(i);
            if (!r.name().equals(expected)) throw new IllegalArgumentException("completion record " + i + " is of " + r.name() + ", expected " + expected + " (records go in partition order)");
            if (r.dtype() != dtype || !r.latentShape().equals(latentShape) || r.countPerClass().size() != classes.size()) {
                throw new IllegalArgumentException(r.name() + " was written as " + r.dtype().jsonName() + " " + r.latentShape() + " with "
                        + r.countPerClass().size() + " classes, this data set is " + dtype.jsonName() + " " + latentShape + " with " + classes.size()
                        + ": remove it (and its " + ShardRecord.SUFFIX + " record) or encode with the same settings");
            }
            for (int c = 0; c < perClass.length; c++) perClass[c] += r.countPerClass().get(c);
            shards.add(new Shard(r.name(), r.count(), r.sha256()));
            skipped.addAll(r.skipped());
        }
        List<Long> counts = java.util.Arrays.stream(perClass).boxed().toList();
        return new LatentIndex(resolution, latentShape, dtype, scalingFactor, vae, classes, counts,
                counts.stream().mapToLong(Long::longValue).sum(), shards, skipped);
    }

    /** Writes dir/index.json (through a temporary name). */
    public void write(FileSystem fs, Path dir) throws IOException {
        ObjectNode o = JsonFields.JSON.createObjectNode();
        o.put("format", FORMAT).put("resolution", resolution);
        o.set("latent_shape", JsonFields.numbers(latentShape));
        o.put("dtype", dtype.jsonName()).put("scaling_factor", scalingFactor);
        o.putObject("vae").put("file", vae.file()).put("sha256", vae.sha256());
        classes.forEach(o.putArray("classes")::add);
        o.set("count_per_class", JsonFields.numbers(countPerClass));
        o.put("count", count);
        ArrayNode s = o.putArray("shards");
        for (Shard sh : shards) s.addObject().put("name", sh.name()).put("count", sh.count()).put("sha256", sh.sha256());
        o.set("skipped", JsonFields.skippedJson(skipped));
        JsonFields.write(fs, new Path(dir, FILE), o);
    }

    /** Reads dir/index.json: another format, a missing key or counts that do not add up are errors naming the file and key. */
    public static LatentIndex read(FileSystem fs, Path dir) throws IOException {
        Path file = new Path(dir, FILE);
        JsonFields j;
        try {
            j = JsonFields.read(fs, file);
        } catch (FileNotFoundException e) {
            throw new TensorFileException(file.toString(), "not found: not a latent data set, or its encode job has not finished");
        }
        String format = j.text("format");
        if (!format.equals(FORMAT)) throw new TensorFileException(file.toString(), "key \"format\" is \"" + format + "\", this reader knows \"" + FORMAT + "\"");
        JsonFields vae = j.object("vae");
        LatentIndex index = new LatentIndex(Math.toIntExact(j.integer("resolution")), j.integers("latent_shape").stream().map(Math::toIntExact).toList(),
                j.dtype("dtype"), j.number("scaling_factor"), new VaeFile(vae.text("file"), vae.text("sha256")), j.texts("classes"),
                j.integers("count_per_class"), j.integer("count"),
                j.list("shards", e -> new Shard(e.text("name"), Math.toIntExact(e.integer("count")), e.text("sha256"))), j.skipped("skipped"));
        index.check(file.toString());
        return index;
    }

    private void check(String file) {
        if (latentShape.size() != 3) throw new TensorFileException(file, "key \"latent_shape\" must be [C, h, w], found " + latentShape);
        if (countPerClass.size() != classes.size()) {
            throw new TensorFileException(file, "key \"count_per_class\" has " + countPerClass.size() + " entries for " + classes.size() + " \"classes\"");
        }
        long perClass = countPerClass.stream().mapToLong(Long::longValue).sum();
        long inShards = shards.stream().mapToLong(Shard::count).sum();
        if (perClass != count || inShards != count) {
            throw new TensorFileException(file, "key \"count\" is " + count + " but \"count_per_class\" sums to " + perClass + " and \"shards\" to " + inShards);
        }
    }

    /** Elements of one sample's mean (or std): 2 * C * h * w, the image then its flip. */
    public int sampleLength() {
        return 2 * latentShape.get(0) * latentShape.get(1) * latentShape.get(2);
    }
}
