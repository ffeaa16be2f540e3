package org.lit.eval.sample;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.lit.core.io.Sha256;
import org.lit.data.HadoopFiles;
import org.lit.data.JobManifest;
import org.lit.data.JobProgress;
import org.lit.data.SparkJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * `lit sample --num N` (DESIGN.md, data flow): the sample set cut into parts of --part-size; each
 * Spark task makes one part (or finds it complete) and the driver streams the parts into one ADM
 * .npz and a grid. Every draw depends on (seed, sample index) alone, so the set is the same
 * whatever the worker count, and a re-run after a failure samples only the missing parts.
 */
public final class SampleJob {
    private static final Logger LOG = LoggerFactory.getLogger(SampleJob.class);

    private SampleJob() {
    }

    /** What the job did: samples in the set, parts, parts this run sampled, seconds, the files written. */
    public record Report(long samples, int parts, int sampled, double seconds, String npz, String grid) {
    }

    public static Report run(SparkConf base, SampleOptions o) {
        long start = System.nanoTime();
        // A bad weights file, model name or VAE fails here, on the driver, before any task starts.
        SamplingModels.load(o);
        try {
            Path dir = new Path(o.partsDir());
            FileSystem fs = HadoopFiles.fileSystem(dir, new Configuration());
            claim(fs, o);
            LOG.info("sample: {} samples of {} ({} {} steps, cfg {}) in {} part(s) of up to {} -> {}", o.num(), o.model().name(),
                    o.ddpm() ? "DDPM" : "DDIM", o.steps(), o.cfgScale(), o.parts(), o.partSize(), o.out());
            List<PartSampler.Outcome> outcomes = sampleAll(base, o);
            List<SamplePart> parts = outcomes.stream().map(PartSampler.Outcome::part).toList();
            SampleAssembly.write(fs, o, parts);
            int sampled = (int) outcomes.stream().filter(PartSampler.Outcome::sampled).count();
            return new Report(o.num(), parts.size(), sampled, (System.nanoTime() - start) / 1e9, o.out(), o.gridFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + o.out() + ": " + e.getMessage(), e);
        }
    }

    /** {@code <out>.parts/sample.json}: parts may be reused only by the same job (same weights, sampler, seed and cut). */
    private static void claim(FileSystem fs, SampleOptions o) throws IOException {
        Map<String, Object> now = new LinkedHashMap<>();
        try (InputStream in = java.nio.file.Files.newInputStream(ModelWeights.local(o.weights()))) {
            now.put("weights_sha256", Sha256.of(in));
        }
        now.put("model", o.model().toString());
        if (o.vae() != null) {
            try (InputStream in = java.nio.file.Files.newInputStream(org.lit.core.vae.AutoencoderKL.weightsFile(org.lit.data.VaeFiles.local(o.vae())))) {
                now.put("vae_sha256", Sha256.of(in));      // what decoded the parts, not where it was
            }
        }
        now.put("num", o.num());
        now.put("sampler", o.ddpm() ? "ddpm" : "ddim");
        now.put("steps", o.steps());
        now.put("cfg_scale", o.cfgScale());
        now.put("clip_denoised", o.clipDenoised());
        now.put("seed", o.seed());
        now.put("batch", o.batch());                  // the batch a part is sampled in can change its last bits
        now.put("part_size", o.partSize());
        now.put("layers", o.layers() == null ? "all" : o.layers());
        JobManifest.claim(fs, new Path(o.partsDir(), "sample.json"), now, "sample job");
    }

    private static List<PartSampler.Outcome> sampleAll(SparkConf base, SampleOptions o) {
        SparkConf conf = SparkJobs.conf(base, "lit sample " + o.out(), SparkJobs.MODEL_SLOTS);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            LongAccumulator progress = sc.sc().longAccumulator("samples made");
            sc.setJobGroup("lit-sample", "lit sample " + o.out(), true);
            try (JobProgress line = new JobProgress("sample", "samples", progress.id(), o.num(), 10)) {
                sc.sc().addSparkListener(line);
                List<Integer> parts = new ArrayList<>(IntStream.range(0, o.parts()).boxed().toList());
                // One partition per part: a task is the unit Spark retries, and the unit a re-run skips.
                List<PartSampler.Outcome> outcomes = sc.parallelize(parts, parts.size()).map(p -> PartSampler.run(p, o, progress)).collect();
                line.report();
                return outcomes;
            }
        }
    }
}
