package org.lit.eval.features;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.lit.core.io.Sha256;
import org.lit.data.HadoopFiles;
import org.lit.data.JobManifest;
import org.lit.data.JobProgress;
import org.lit.data.SkippedFile;
import org.lit.data.TaskGpu;
import org.lit.eval.inception.Features;
import org.lit.eval.inception.InceptionV3;
import org.lit.eval.inception.InceptionWeights;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Inception features of many images as a Spark job: the images cut into parts of rowsPerPart, one
 * task a part (or the part found complete), each writing pool_3, spatial and logits of its images.
 * The parts stay: a re-run after a failure computes only the missing ones, and `lit fid` run again
 * on the same samples reads them instead of running Inception again.
 */
public final class FeatureJob {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeatureJob.class);
    /** One network per task thread (executors reuse their threads), read once. */
    private static final ThreadLocal<Map<String, InceptionV3>> NETWORKS = ThreadLocal.withInitial(HashMap::new);

    /** The Inception weights (any Hadoop URI), images per Inception call, images per part, the parts' folder; killPart is fault injection for tests. */
    public record Options(String inception, int batch, int rowsPerPart, String partsDir, int killPart) implements Serializable {
        public Options {
            if (batch < 1 || rowsPerPart < 1) throw new IllegalArgumentException("batch and rows per part must be positive");
        }
    }

    private FeatureJob() {
    }

    /** The network of a weights file (pytorch-fid's .pth or ADM's .pb), strictly checked. */
    public static InceptionV3 network(String uri) {
        java.nio.file.Path local = HadoopFiles.local(uri);
        return InceptionV3.fromStateDict(InceptionWeights.readChecked(local), uri);
    }

    /** Runs (or finishes) the job in the given Spark context; returns the parts in order. */
    public static FeatureParts run(JavaSparkContext sc, ImageSource images, Options o) {
        try {
            FileSystem fs = HadoopFiles.fileSystem(new Path(o.partsDir()), new Configuration());
            claim(fs, images, o);
            int parts = (int) ((images.count() + o.rowsPerPart() - 1) / o.rowsPerPart());
            LongAccumulator progress = sc.sc().longAccumulator("images through Inception");
            try (JobProgress line = new JobProgress("features of " + images.name(), "images", progress.id(), images.count(), 10)) {
                sc.sc().addSparkListener(line);
                List<Integer> indices = new ArrayList<>(IntStream.range(0, parts).boxed().toList());
                List<FeaturePart> done = sc.parallelize(indices, Math.max(1, parts)).map(p -> part(p, images, o, progress)).collect();
                line.report();
                sc.sc().removeSparkListener(line);
                return new FeatureParts(o.partsDir(), done);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write features under " + o.partsDir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code <parts>/features.json}: parts may be reused only for the same images, weights and cut.
     * The folder is a cache: parts of other images (the samples were made again) are removed.
     */
    private static void claim(FileSystem fs, ImageSource images, Options o) throws IOException {
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("images", images.identity());
        try (InputStream in = java.nio.file.Files.newInputStream(HadoopFiles.local(o.inception()))) {
            now.put("inception_sha256", Sha256.of(in));
        }
        now.put("rows_per_part", o.rowsPerPart());
        Path manifest = new Path(o.partsDir(), "features.json");
        Map<String, String> stale = JobManifest.differences(fs, manifest, now);
        if (!stale.isEmpty()) {
            LOG.info("features under {} were made of other images or weights ({}): computing them anew", o.partsDir(), stale);
            fs.delete(new Path(o.partsDir()), true);
        }
        JobManifest.claim(fs, manifest, now, "feature job");
    }

    static FeaturePart part(int index, ImageSource images, Options o, LongAccumulator progress) throws IOException {
        long from = (long) index * o.rowsPerPart(), to = Math.min(images.count(), from + o.rowsPerPart());
        FileSystem fs = HadoopFiles.fileSystem(new Path(o.partsDir()), new Configuration());
        Optional<FeaturePart> done = FeaturePart.complete(fs, o.partsDir(), index, from, to);
        if (done.isPresent()) {
            progress.add(to - from);
            return done.get();
        }
        TaskContext ctx = TaskContext.get();
        if (ctx != null) TaskGpu.bind(ctx);
        InceptionV3 net = NETWORKS.get().computeIfAbsent(o.inception(), FeatureJob::network).withBatchSize(o.batch());
        List<Features> blocks = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        images.read(from, to, o.batch(), batch -> {
            blocks.add(net.features(batch));
            progress.add(batch.size(0));
            if (ctx != null && ctx.isInterrupted()) throw new TaskKilledException("features part " + index + ": the job stopped this task");
        }, skipped);
        progress.add(skipped.size());
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put(FeatureArrays.POOL3, concat(blocks.stream().map(Features::pool3).toList(), Features.POOL3));
        arrays.put(FeatureArrays.SPATIAL, concat(blocks.stream().map(Features::spatial).toList(), Features.SPATIAL));
        arrays.put(FeatureArrays.LOGITS, concat(blocks.stream().map(Features::logits).toList(), Features.LOGITS));
        HadoopFiles.writeReplacing(fs, FeaturePart.data(o.partsDir(), index), out -> {
            try (org.lit.core.io.NpzWriter npz = new org.lit.core.io.NpzWriter(new BufferedOutputStream(out, 1 << 20))) {
                for (Map.Entry<String, INDArray> e : arrays.entrySet()) npz.add(e.getKey(), e.getValue());
            }
            return null;
        });
        if (index == o.killPart() && (ctx == null || ctx.attemptNumber() == 0)) {
            throw new IllegalStateException("injected fault: the task of features part " + index + " dies before its record (first attempt only)");
        }
        FeaturePart part = new FeaturePart(index, from, to, (int) arrays.get(FeatureArrays.POOL3).size(0), skipped,
                FeatureArrays.crc(arrays.get(FeatureArrays.POOL3)), FeatureArrays.crc(arrays.get(FeatureArrays.SPATIAL)), FeatureArrays.crc(arrays.get(FeatureArrays.LOGITS)));
        part.writeRecord(fs, o.partsDir());
        return part;
    }

    private static INDArray concat(List<INDArray> blocks, int dim) {
        return blocks.isEmpty() ? Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 0, dim) : Nd4j.concat(0, blocks.toArray(INDArray[]::new));
    }
}
