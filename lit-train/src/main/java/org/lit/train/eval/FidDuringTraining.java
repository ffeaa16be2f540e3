package org.lit.train.eval;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.Durations;
import org.lit.core.config.ConfigError;
import org.lit.core.config.ModelConfig;
import org.lit.core.image.SampleGrid;
import org.lit.core.io.DTypes;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.data.HadoopFiles;
import org.lit.eval.features.FeatureJob;
import org.lit.eval.inception.Features;
import org.lit.eval.inception.InceptionV3;
import org.lit.eval.metrics.AdmMetrics;
import org.lit.eval.metrics.AdmScores;
import org.lit.eval.metrics.FidStatistics;
import org.lit.eval.metrics.FrechetDistance;
import org.lit.eval.metrics.Gaussian;
import org.lit.eval.metrics.ReferenceBatch;
import org.lit.eval.sample.Sampling;
import org.lit.train.MetricsLog;
import org.lit.train.TrainConfig;
import org.lit.train.Worker;
import org.lit.train.data.TrainingData;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * FID-N, sFID and IS of the EMA weights, every train.eval.every steps and at the last, computed by
 * all the workers of the job. The N samples are cut into batches of train.eval.batch by index, and
 * the batches into contiguous shares, one per rank. A rank draws each of its samples from (train.seed,
 * index) alone, decodes it to pixels through the data source, quantises it as sample_ddp.py and passes
 * the batch through Inception, adding the features to sums of fixed size ({@link FeatureSums},
 * {@link InceptionScoreSums}); the all-reduce adds the ranks' sums in double, and rank 0 compares them
 * with the reference's stored statistics as ADM's evaluator does, writes fid, sfid and is to
 * metrics.jsonl and redraws RUN/fid.png. A batch is the same batch under any worker count, so the
 * samples and their features are too, and the scores differ between worker counts only by the order
 * of double additions.
 *
 * <p>One departure from ADM: its sample mean is a float32 np.mean in sample order (FidEvaluation
 * reproduces it with Float32Mean), which sums over ranks cannot be; the mean here is exact, which
 * moves FID by ~1e-5 at N = 50,000 (FeatureStatistics' note) and less at smaller N.
 */
final class FidDuringTraining implements TrainingEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(FidDuringTraining.class);
    private static final double PROGRESS_SECONDS = 30;

    private final EvalConfig eval;
    private final long lastStep;
    private final ModelConfig model;
    private final TrainingData data;
    private final Worker worker;
    private final String run;
    private final Sampling sampling;
    private final FidStatistics reference;
    private final InceptionV3 inception;

    FidDuringTraining(EvalConfig eval, TrainConfig train, ModelConfig model, TrainingData data, Worker worker, String run) {
        requireImages(data);
        this.eval = eval;
        this.lastStep = train.steps();
        this.model = model;
        this.data = data;
        this.worker = worker;
        this.run = run;
        this.sampling = eval.sampling(train.seed(), data.clipDenoised());
        this.reference = reference(eval);
        this.inception = inception(eval).withBatchSize(eval.batch());
    }

    /** What the workers will need, checked on the driver before the job starts. */
    static void check(EvalConfig eval, TrainingData data) {
        requireImages(data);
        reference(eval);
        inception(eval);
    }

    @Override
    public void afterStep(long step, INDArray emaWeights, MetricsLog metrics) throws IOException {
        if (!eval.due(step, lastStep)) return;
        long start = System.nanoTime();
        AdmScores s = evaluate(step, emaWeights);
        if (metrics == null || s == null) return;
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("fid", s.fid());
        line.put("sfid", s.sfid());
        line.put("is", s.inceptionScore());
        line.put("eval_samples", eval.num());
        line.put("eval_seconds", seconds);
        metrics.write(line);
        LOG.info(String.format("step %d: FID-%d %.4f, sFID %.4f, IS %.4f (%s)", step, eval.num(), s.fid(), s.sfid(), s.inceptionScore(), Durations.format(seconds)));
        plot();
    }

    /**
     * Collective: every rank measures its share of the samples and the ranks' sums are added; rank 0
     * returns the scores (precision and recall NaN: a reference of statistics has no images), the
     * others null; rank 0 too when any sample was not finite.
     */
    AdmScores evaluate(long step, INDArray emaWeights) {
        DiffusionTransformer ema = new DiffusionTransformer(model, DataType.FLOAT);
        ema.parameters().values().assign(emaWeights);
        FeatureSums pool = new FeatureSums(reference.pool().mean()), spatial = new FeatureSums(reference.spatial().mean());
        InceptionScoreSums scores = new InceptionScoreSums(Features.LOGITS, AdmMetrics.DEFAULT_SPLIT_SIZE, eval.num());
        long[] mine = share(eval.num(), eval.batch(), worker.rank(), worker.world());
        long start = System.nanoTime(), lastReport = start;
        INDArray nonFinite = Nd4j.zeros(DataType.DOUBLE, 1);
        for (long from = mine[0]; from < mine[1]; from += eval.batch()) {
            int n = (int) Math.min(eval.batch(), mine[1] - from);
            INDArray samples = sampling.draw(ema, from, n);
            // NaN would be clamped or quantised into some colour and scored as an image: count such batches instead.
            if (!Double.isFinite(samples.sumNumber().doubleValue())) nonFinite.addi(n);
            Features f = inception.features(images(data.pixels(samples)));
            pool.add(f.pool3());
            spatial.add(f.spatial());
            scores.add(from, f.logits());
            long now = System.nanoTime();
            if (worker.leader() && (now - lastReport) / 1e9 >= PROGRESS_SECONDS) {
                lastReport = now;
                long done = from + n - mine[0], total = mine[1] - mine[0];
                double rate = done / ((now - start) / 1e9);
                LOG.info(String.format("FID-%d at step %d: %d/%d samples of rank 0's share (%d workers), %.2f samples/s per worker, ETA %s", eval.num(), step,
                        done, total, worker.world(), rate, Durations.format((total - done) / rate)));
            }
        }
        // One collective sum per buffer, in the same order on every rank.
        pool.allReduce(worker.allReduce());
        spatial.allReduce(worker.allReduce());
        scores.allReduce(worker.allReduce());
        worker.allReduce().sum(nonFinite);
        if (!worker.leader()) return null;
        if (nonFinite.getDouble(0) > 0) {
            LOG.warn("FID-{} at step {}: the EMA weights sampled NaN or infinite values (in batches of {} samples); no scores logged", eval.num(), step,
                    (long) nonFinite.getDouble(0));
            return null;
        }
        Gaussian samplePool = pool.gaussian(), sampleSpatial = spatial.gaussian();
        // Each distance is ~10 s of single-threaded eigen-decomposition at 2048-d: the two run side by side.
        CompletableFuture<Double> sfid = CompletableFuture.supplyAsync(() -> FrechetDistance.between(sampleSpatial, reference.spatial()),
                task -> new Thread(task, "sFID").start());
        double fid = FrechetDistance.between(samplePool, reference.pool());
        return new AdmScores(fid, sfid.join(), scores.value(), Double.NaN, Double.NaN);
    }

    /**
     * Samples [from, to) of a rank: the batches of the set (train.eval.batch samples by index) split
     * into contiguous runs, one per rank. A rank may get none; it still joins the sums.
     */
    static long[] share(int num, int batch, int rank, int world) {
        long batches = (num + (long) batch - 1) / batch;
        long first = batches * rank / world, end = batches * (rank + 1) / world;
        return new long[] {Math.min(num, first * batch), Math.min(num, end * batch)};
    }

    /** Pixels (n, 3, H, W) as uint8 (n, H, W, 3) images, quantised as sample_ddp.py. */
    private static INDArray images(INDArray pixels) {
        byte[] nhwc = SampleGrid.toUint8Nhwc(pixels);
        return DTypes.decode(ByteBuffer.wrap(nhwc), DataType.UBYTE, new long[] {pixels.size(0), pixels.size(2), pixels.size(3), 3});
    }

    private void plot() throws IOException {
        FileSystem fs = HadoopFiles.fileSystem(new Path(run), new Configuration());
        List<String> lines;
        try (FSDataInputStream in = fs.open(new Path(run, "metrics.jsonl"))) {
            lines = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
        String title = String.format("%s: FID-%d of the EMA weights (%s, %d steps, cfg %.1f)", model.name(), eval.num(), eval.ddpm() ? "DDPM" : "DDIM",
                eval.steps(), eval.cfgScale());
        try (FSDataOutputStream out = fs.create(new Path(run, "fid.png"), true)) {
            FidPlot.draw(lines, title, out);
        }
    }

    private static void requireImages(TrainingData data) {
        if (!data.showsSamples()) {
            throw new ConfigError("data.vae", "train.eval measures images, and this latent run's samples cannot be decoded: set data.vae to the VAE");
        }
    }

    /** The reference's stored statistics: FID during training never sees the reference's images. */
    private static FidStatistics reference(EvalConfig eval) {
        FidStatistics s;
        try {
            s = ReferenceBatch.readStatistics(eval.ref(), () -> {
                throw new ConfigError("train.eval.ref", "train.eval.ref " + eval.ref() + " carries no statistics (mu, sigma, mu_s, sigma_s): FID during "
                        + "training compares with a reference's stored statistics. Use ADM's reference batches, or write one with lit fid-ref");
            });
        } catch (ConfigError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigError("train.eval.ref", "train.eval.ref " + eval.ref() + ": " + e.getMessage());
        }
        if (s.pool().dim() != Features.POOL3 || s.spatial().dim() != Features.SPATIAL) {
            throw new ConfigError("train.eval.ref", "train.eval.ref " + eval.ref() + ": mu has " + s.pool().dim() + " and mu_s " + s.spatial().dim()
                    + " dimensions; Inception's pool_3 and spatial features have " + Features.POOL3 + " and " + Features.SPATIAL);
        }
        return s;
    }

    private static InceptionV3 inception(EvalConfig eval) {
        try {
            return FeatureJob.network(eval.inception());
        } catch (RuntimeException e) {
            throw new ConfigError("train.eval.inception", "train.eval.inception " + eval.inception() + ": " + e.getMessage());
        }
    }
}
