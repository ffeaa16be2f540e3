package org.lit.data.encode;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.lit.core.io.Sha256;
import org.lit.core.vae.AutoencoderKL;
import org.lit.core.vae.VaeConfig;
import org.lit.data.HadoopFiles;
import org.lit.data.ImageNetFolder;
import org.lit.data.JobManifest;
import org.lit.data.JobProgress;
import org.lit.data.SkippedFile;
import org.lit.data.SparkJobs;
import org.lit.data.VaeFiles;
import org.lit.data.latents.LatentIndex;
import org.lit.data.latents.ShardRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * `lit encode` (DESIGN.md, data flow): the driver lists the image folder and cuts the list into
 * shards of about --shard-mb; each Spark task encodes one shard (or finds it already complete) and
 * returns its completion record; the driver writes index.json last. The cut depends only on the
 * listing and the options, so a re-run after a killed executor or driver makes the same shards and
 * redoes exactly the missing ones.
 */
public final class EncodeJob {
    private static final Logger LOG = LoggerFactory.getLogger(EncodeJob.class);

    private EncodeJob() {
    }

    /** What the job did: shards in the set, how many this run encoded, images stored, files skipped. */
    public record Report(int shards, int encoded, long images, List<SkippedFile> skipped, double seconds) {
    }

    public static Report run(SparkConf base, EncodeOptions o) {
        long start = System.nanoTime();
        ImageNetFolder folder = ImageNetFolder.list(o.images());
        java.nio.file.Path vaeFile = VaeFiles.local(o.vae());
        VaeConfig vae = AutoencoderKL.load(vaeFile).config();          // a bad VAE fails here, before any task starts
        int side = o.resolution() / vae.downsampleFactor();
        if (o.resolution() % vae.downsampleFactor() != 0) {
            throw new IllegalArgumentException("--resolution " + o.resolution() + " is not a multiple of the VAE's downsampling factor " + vae.downsampleFactor());
        }
        // Per image: mean and std, each of the image and its flip, plus the label.
        long bytesPerImage = 2L * 2 * vae.latentChannels() * side * side * o.dtype().bytes() + 8;
        long fit = Math.max(1, (long) (o.shardMb() * (1 << 20)) / bytesPerImage);
        long floatsPerImage = 2L * vae.latentChannels() * side * side;    // a task holds its shard's mean (and std) as one float array
        if (fit * floatsPerImage > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--shard-mb " + o.shardMb() + " is too large at " + o.resolution() + "px: a shard holds at most "
                    + (Integer.MAX_VALUE - 8) / floatsPerImage * bytesPerImage / (1 << 20) + " MB");
        }
        int perShard = (int) fit;
        List<ImageNetFolder.Entry> entries = folder.entries();
        List<ShardEncoder.Job> jobs = new ArrayList<>();
        for (int from = 0, i = 0; from < entries.size(); from += perShard, i++) {
            jobs.add(new ShardEncoder.Job(i, new ArrayList<>(entries.subList(from, Math.min(entries.size(), from + perShard))), folder.classes().size()));
        }
        Path out = new Path(o.out());
        try {
            FileSystem fs = HadoopFiles.fileSystem(out, new Configuration());
            String vaeSha256;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(AutoencoderKL.weightsFile(vaeFile))) {
                vaeSha256 = Sha256.of(in);
            }
            claim(fs, out, o, vaeSha256, perShard, entries.size());
            LOG.info("encode: {} images of {} classes from {} into {} shard(s) of up to {} images at {}px -> {}", entries.size(), folder.classes().size(),
                    o.images(), jobs.size(), perShard, o.resolution(), o.out());
            List<ShardEncoder.Outcome> outcomes = encodeAll(base, o, jobs, entries.size());
            List<ShardRecord> records = outcomes.stream().map(ShardEncoder.Outcome::record).toList();
            LatentIndex index = LatentIndex.of(o.resolution(), List.of(vae.latentChannels(), side, side), o.dtype(), vae.scalingFactor(),
                    new LatentIndex.VaeFile(o.vae(), vaeSha256), folder.classes(), records);
            index.write(fs, out);                                    // last: its presence means the set is whole
            removeLeftovers(fs, out);
            int encoded = (int) outcomes.stream().filter(ShardEncoder.Outcome::encoded).count();
            List<SkippedFile> skipped = records.stream().flatMap(r -> r.skipped().stream()).toList();
            return new Report(records.size(), encoded, index.count(), skipped, (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + o.out() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code <out>/encode.json}: shards may be reused only by the same job (same images, crop, VAE
     * weights, dtype and cut).
     */
    private static void claim(FileSystem fs, Path out, EncodeOptions o, String vaeSha256, int perShard, int images) throws IOException {
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("images", o.images());
        now.put("image_count", images);
        now.put("resolution", o.resolution());
        now.put("vae_sha256", vaeSha256);
        now.put("dtype", o.dtype().jsonName());
        now.put("images_per_shard", perShard);
        JobManifest.claim(fs, new Path(out, "encode.json"), now, "encode job");
    }

    /** Temporary files of tasks killed mid-write (hidden names, never a shard): the set is whole without them. */
    private static void removeLeftovers(FileSystem fs, Path out) throws IOException {
        for (var f : fs.listStatus(out, p -> p.getName().startsWith(".") && p.getName().endsWith(".tmp"))) {
            fs.delete(f.getPath(), false);
            LOG.info("removed {}, left by a task that was stopped while writing", f.getPath().getName());
        }
    }

    private static List<ShardEncoder.Outcome> encodeAll(SparkConf base, EncodeOptions o, List<ShardEncoder.Job> jobs, long images) {
        SparkConf conf = SparkJobs.conf(base, "lit encode " + o.out(), Runtime.getRuntime().availableProcessors());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            LongAccumulator progress = sc.sc().longAccumulator("images encoded");
            // When one task fails for good, the others are told to stop (they write nothing more).
            sc.setJobGroup("lit-encode", "lit encode " + o.out(), true);
            try (JobProgress line = new JobProgress("encode", "images", progress.id(), images, 10)) {
                sc.sc().addSparkListener(line);
                // One partition per shard: a task is the unit Spark retries, and the unit a re-run skips.
                List<ShardEncoder.Outcome> outcomes = sc.parallelize(jobs, Math.max(1, jobs.size())).map(job -> ShardEncoder.run(job, o, progress)).collect();
                line.report();
                return outcomes;
            }
        }
    }
}
