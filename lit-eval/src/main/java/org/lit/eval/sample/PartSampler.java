package org.lit.eval.sample;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.util.LongAccumulator;
import org.lit.core.image.SampleGrid;
import org.lit.data.HadoopFiles;
import org.lit.data.TaskGpu;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * One Spark task of `lit sample`: makes one part (or finds it complete), a batch at a time:
 * labels and noise from (seed, index), the sampler, the VAE's decoder, quantised to uint8 as
 * sample_ddp.py does, streamed to the part's file.
 */
final class PartSampler {
    /** One model and VAE per task thread (executors reuse their threads), read once. */
    private static final ThreadLocal<Map<String, SamplingModels>> MODELS = ThreadLocal.withInitial(HashMap::new);

    /** The part and whether this attempt sampled it (false: found complete). */
    record Outcome(SamplePart part, boolean sampled) implements java.io.Serializable {
    }

    private PartSampler() {
    }

    static Outcome run(int index, SampleOptions o, LongAccumulator progress) {
        long from = (long) index * o.partSize();
        int count = (int) Math.min(o.partSize(), o.num() - from);
        try {
            FileSystem fs = HadoopFiles.fileSystem(new Path(o.partsDir()), new Configuration());
            Optional<SamplePart> done = SamplePart.complete(fs, o.partsDir(), index, from, count);
            if (done.isPresent()) {
                progress.add(count);
                return new Outcome(done.get(), false);
            }
            TaskContext ctx = TaskContext.get();
            if (ctx != null) TaskGpu.bind(ctx);
            SamplingModels m = MODELS.get().computeIfAbsent(o.weights() + "|" + o.model() + "|" + o.vae(), k -> SamplingModels.load(o));
            int[] size = new int[2];
            CRC32 crc = new CRC32();
            long bytes = HadoopFiles.writeReplacing(fs, SamplePart.data(o.partsDir(), index), raw -> {
                long written = 0;
                try (OutputStream out = new BufferedOutputStream(raw, 1 << 20)) {
                    for (long i = from; i < from + count; i += o.batch()) {
                        int n = (int) Math.min(o.batch(), from + count - i);
                        INDArray images = m.sample(o, i, n);
                        // NaN would quantise to black and pass into FID unnoticed: refuse it, naming the samples.
                        if (!Double.isFinite(images.sumNumber().doubleValue())) {
                            throw new IllegalStateException("samples " + i + ".." + (i + n - 1) + ": the sampler produced NaN or infinite values; check the weights");
                        }
                        size[0] = (int) images.size(2);
                        size[1] = (int) images.size(3);
                        byte[] q = SampleGrid.toUint8Nhwc(images);
                        crc.update(q);
                        out.write(q);
                        written += q.length;
                        progress.add(n);
                        stopIfKilled(index);
                    }
                }
                return written;
            });
            if (index == o.killPart() && (ctx == null || ctx.attemptNumber() == 0)) {
                throw new IllegalStateException("injected fault: the task of part " + index + " dies before its record (first attempt only)");
            }
            SamplePart part = new SamplePart(index, from, count, size[0], size[1], bytes, crc.getValue());
            part.writeRecord(fs, o.partsDir());
            return new Outcome(part, true);
        } catch (IOException e) {
            throw new UncheckedIOException("part " + index + " of " + o.out() + ": " + e.getMessage(), e);
        }
    }

    /** A task the job has given up on (another failed, or the job was cancelled) writes nothing more. */
    private static void stopIfKilled(int index) {
        TaskContext ctx = TaskContext.get();
        if (ctx != null && ctx.isInterrupted()) throw new TaskKilledException("part " + index + ": the job stopped this task");
    }
}
