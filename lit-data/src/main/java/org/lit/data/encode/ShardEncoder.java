package org.lit.data.encode;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.util.LongAccumulator;
import org.lit.core.nn.StepScope;
import org.lit.core.vae.AutoencoderKL;
import org.lit.core.vae.Posterior;
import org.lit.core.vae.VaeConfig;
import org.lit.data.BadImageException;
import org.lit.data.CenterCrop;
import org.lit.data.HadoopFiles;
import org.lit.data.ImageLoader;
import org.lit.data.ImageNetFolder;
import org.lit.data.SkippedFile;
import org.lit.data.TaskGpu;
import org.lit.data.VaeFiles;
import org.lit.data.latents.ShardRecord;
import org.lit.data.latents.ShardVerifier;
import org.lit.data.latents.ShardWriter;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One shard of the encode job, on an executor: read each file through Hadoop, decode, ADM centre
 * crop, then the crop and its horizontal flip through the VAE encoder in batches; the posterior's
 * mean and std go to the shard. A shard already written and verified against its completion
 * record is returned as it is, so a re-run redoes only what is missing.
 */
final class ShardEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(ShardEncoder.class);
    /** One VAE per task thread (executors reuse their threads), read once from its URI. */
    private static final ThreadLocal<Map<String, AutoencoderKL>> VAES = ThreadLocal.withInitial(HashMap::new);

    private ShardEncoder() {
    }

    /** A shard to make: its index and its slice of the job's file list. */
    record Job(int index, List<ImageNetFolder.Entry> entries, int classes) implements java.io.Serializable {
    }

    /** The shard's completion record, and whether this attempt encoded it (false: found complete). */
    record Outcome(ShardRecord record, boolean encoded) implements java.io.Serializable {
    }

    static Outcome run(Job job, EncodeOptions o, LongAccumulator progress) {
        try {
            Path out = new Path(o.out());
            FileSystem fs = HadoopFiles.fileSystem(out, new Configuration());
            Optional<ShardRecord> done = ShardVerifier.verified(fs, out, job.index());
            if (done.isPresent()) {
                progress.add(done.get().count() + done.get().skipped().size());
                return new Outcome(done.get(), false);
            }
            TaskContext ctx = TaskContext.get();
            if (ctx != null) TaskGpu.bind(ctx);
            AutoencoderKL vae = VAES.get().computeIfAbsent(o.vae(), uri -> AutoencoderKL.load(VaeFiles.local(uri)));
            Latents latents = encode(job, o, vae, progress);
            stopIfKilled(job);
            if (job.index() == o.killShard() && (ctx == null || ctx.attemptNumber() == 0)) {
                throw new IllegalStateException("injected fault: the task of shard " + job.index() + " dies before writing it (first attempt only)");
            }
            VaeConfig c = vae.config();
            int side = o.resolution() / c.downsampleFactor();
            ShardRecord record = new ShardWriter(fs, out, o.dtype(), new int[] {c.latentChannels(), side, side}, job.classes())
                    .write(job.index(), latents.mean, latents.std, latents.labels, latents.files, latents.skipped);
            return new Outcome(record, true);
        } catch (IOException e) {
            throw new UncheckedIOException("shard " + job.index() + " of " + o.out() + ": " + e.getMessage(), e);
        }
    }

    /** A task the job has given up on (another failed, or the job was cancelled) writes nothing more. */
    private static void stopIfKilled(Job job) {
        TaskContext ctx = TaskContext.get();
        if (ctx != null && ctx.isInterrupted()) {
            throw new org.apache.spark.TaskKilledException("shard " + job.index() + ": the job stopped this task before it wrote its shard");
        }
    }

    /** What one shard holds before it is written. */
    private record Latents(float[] mean, float[] std, long[] labels, List<String> files, List<SkippedFile> skipped) {
    }

    private static Latents encode(Job job, EncodeOptions o, AutoencoderKL vae, LongAccumulator progress) throws IOException {
        int side = o.resolution() / vae.config().downsampleFactor(), channels = vae.config().latentChannels(), n = job.entries().size();
        // Rows [n, 2, C, h, w] as the shard stores them (a 1 GB float16 shard holds 2 GB of floats here).
        int row = 2 * channels * side * side;
        float[] mean = new float[n * row], std = new float[n * row];
        long[] labels = new long[n];
        List<String> files = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        int pixels = 3 * o.resolution() * o.resolution();
        ImageLoader loader = new ImageLoader(o.resolution());
        for (int from = 0; from < n; from += o.batch()) {
            List<ImageNetFolder.Entry> batch = job.entries().subList(from, Math.min(n, from + o.batch()));
            float[] images = new float[2 * batch.size() * pixels];
            int kept = 0;
            for (ImageNetFolder.Entry e : batch) {
                try {
                    byte[] crop = loader.crop(e);
                    // Rows 2k and 2k+1 of the encoder batch: the crop and its flip (axis 1 of the shard).
                    System.arraycopy(CenterCrop.toChw(crop, o.resolution(), false), 0, images, 2 * kept * pixels, pixels);
                    System.arraycopy(CenterCrop.toChw(crop, o.resolution(), true), 0, images, (2 * kept + 1) * pixels, pixels);
                    labels[files.size()] = e.label();
                    files.add(e.path());
                    kept++;
                } catch (BadImageException bad) {
                    LOG.warn("skipped {}", bad.skipped());
                    skipped.add(bad.skipped());
                }
            }
            if (kept > 0) {
                int first = (files.size() - kept) * row;
                try (MemoryWorkspace ws = StepScope.open()) {
                    INDArray x = Nd4j.create(java.util.Arrays.copyOf(images, 2 * kept * pixels), new long[] {2L * kept, 3, o.resolution(), o.resolution()}, 'c');
                    Posterior p = vae.encode(x);
                    // Encoder rows 2k, 2k+1 (image, flip) are shard row k's axis 1, already in order.
                    System.arraycopy(p.mean().dup('c').data().asFloat(), 0, mean, first, kept * row);
                    System.arraycopy(p.std().dup('c').data().asFloat(), 0, std, first, kept * row);
                }
            }
            progress.add(batch.size());
            stopIfKilled(job);
        }
        int m = files.size();
        if (m == n) return new Latents(mean, std, labels, files, skipped);
        return new Latents(java.util.Arrays.copyOf(mean, m * row), java.util.Arrays.copyOf(std, m * row), java.util.Arrays.copyOf(labels, m), files, skipped);
    }
}
