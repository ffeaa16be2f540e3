package org.lit.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.Durations;
import org.lit.core.config.ConfigError;
import org.lit.core.config.ModelConfig;
import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.diffusion.TrainingLoss;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.GradientListener;
import org.lit.core.nn.StepScope;
import org.lit.data.HadoopFiles;
import org.lit.distill.DistillConfig;
import org.lit.distill.DistillationLoss;
import org.lit.distill.Teacher;
import org.lit.train.allreduce.GradientSum;
import org.lit.train.data.DataConfig;
import org.lit.train.data.TrainingData;
import org.lit.train.data.TrainingSources;
import org.lit.train.eval.TrainingEvaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The training loop of one worker: DiT's recipe (AdamW, EMA, MSE + VB on uniformly drawn t, label
 * dropout) on this rank's share of every global batch, split into micro-batches; gradients summed
 * over all workers by the all-reduce, so every rank takes the same optimizer step. Deterministic
 * draws, resumable checkpoints; rank 0 writes metrics.jsonl, the progress line, checkpoints and
 * the sample grid from the EMA weights.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final ModelConfig modelConfig;
    private final TrainConfig train;
    private final Config config;
    private final String run;
    private final DiffusionTransformer model;
    private final GaussianDiffusion diffusion = GaussianDiffusion.training();
    private final AdamW optimizer;
    private final Ema ema;
    private final Checkpoints checkpoints;
    private final TrainingData data;
    private final Worker worker;
    private final DistillConfig distillation;      // null: plain training
    private final Teacher teacher;
    private final ParallelConfig parallel;
    private final TrainingEvaluation evaluation;
    private final GradientSum gradientSum;
    private long step;
    private final BatchPlan plan;
    private double allReduceSeconds;

    /** What a finished run reports: seconds of training, of which allReduceSeconds waiting for the gradient sum. */
    public record Result(long steps, double lastLoss, double seconds, double allReduceSeconds) {
    }

    /** A trainer that is the whole job (one worker). */
    public Trainer(Config config, ModelConfig modelConfig, String run) {
        this(config, modelConfig, run, Worker.alone());
    }

    public Trainer(Config config, ModelConfig modelConfig, String run, Worker worker) {
        this.config = config;
        this.worker = worker;
        this.parallel = ParallelConfig.from(config);
        this.modelConfig = modelConfig;
        this.train = TrainConfig.from(config);
        this.run = run;
        checkBatchSplit(train, worker.world());
        this.data = TrainingSources.open(DataConfig.from(config), modelConfig, train.globalBatch());
        this.plan = new BatchPlan(train.seed(), data.size(), train.globalBatch(), worker.world(), worker.rank());
        this.model = new DiffusionTransformer(modelConfig, DataType.FLOAT);
        model.parameters().initialize(train.seed());
        if (!train.init().isBlank()) {
            model.parameters().load(TensorFiles.read(HadoopFiles.local(train.init())), "train.init " + train.init());
        }
        this.distillation = DistillConfig.from(config, modelConfig);
        this.teacher = distillation == null ? null : new Teacher(distillation.teacherModel(),
                TensorFiles.read(HadoopFiles.local(distillation.teacher()), distillation.teacherWeights()), "distill.teacher " + distillation.teacher());
        this.optimizer = new AdamW(model.parameters(), 0.9, 0.999, 1e-8, train.weightDecay());
        this.ema = new Ema(model.parameters().values());
        this.checkpoints = new Checkpoints(run);
        this.evaluation = TrainingEvaluation.open(config, train, modelConfig, data, worker, run);
        this.gradientSum = GradientSum.open(worker.allReduce(), model.parameters().grads(), parallel.overlap());
    }

    /** Checks the config against the data without building a model (before Spark starts). */
    public static void validate(Config config, ModelConfig modelConfig) {
        TrainConfig train = TrainConfig.from(config);
        try (TrainingData data = TrainingSources.open(DataConfig.from(config), modelConfig, train.globalBatch())) {
            TrainingEvaluation.validate(config, data);
        }
    }

    /** Each of W workers takes global-batch / W samples of every batch, in whole micro-batches. */
    static boolean splitsBatch(TrainConfig train, int workers) {
        return train.globalBatch() % (workers * train.microBatch()) == 0;
    }

    public static void checkBatchSplit(TrainConfig train, int workers) {
        if (!splitsBatch(train, workers)) {
            throw new ConfigError("train.global-batch", "train.global-batch " + train.globalBatch() + " must split into " + workers
                    + " workers x whole micro-batches of train.micro-batch " + train.microBatch() + " (e.g. train.micro-batch = "
                    + train.globalBatch() / workers + ")");
        }
    }

    /** Keys whose change would make a resumed run differ from the one that wrote the checkpoint. */
    static Map<String, String> trajectoryKeys(Config c) {
        Map<String, String> out = new TreeMap<>();
        for (String section : new String[] {"model", "train", "data"}) {
            c.getConfig(section).entrySet().forEach(e -> out.put(section + "." + e.getKey(), e.getValue().render(ConfigRenderOptions.concise())));
        }
        // What may change between attempts: lengths, logging, and the job's shape (the draws do
        // not depend on the worker count; only the order of float sums does).
        for (String free : new String[] {"train.steps", "train.checkpoint-every", "train.workers", "train.allreduce.transport",
                "train.allreduce.timeout", "train.allreduce.bucket-mb", "train.allreduce.overlap", "train.fault.kill-rank", "train.fault.at-step",
                "train.keep-checkpoints", "train.log-every",
                "train.sample-every", "train.sample-sampler", "train.sample-steps", "train.sample-cfg-scale", "train.on-nan", "data.path", "data.latents", "data.vae",
                "data.read-threads"}) out.remove(free);
        out.keySet().removeIf(k -> k.startsWith("train.eval."));     // evaluations read the weights, never change them
        return out;
    }

    public Result run() throws IOException {
        FileSystem fs = checkpoints.fileSystem();
        if (worker.leader()) writeText(fs, new Path(run, "config.conf"), config.root().render(ConfigRenderOptions.defaults().setOriginComments(false)));
        resume();
        try (TrainingData source = data; MetricsLog metrics = worker.leader() ? MetricsLog.open(fs, new Path(run, "metrics.jsonl"), step) : null) {
            return train(fs, metrics);
        }
    }

    private Result train(FileSystem fs, MetricsLog metrics) throws IOException {
        long start = System.nanoTime();
        long first = step;
        double lastLoss = Double.NaN;
        Map<String, Double> window = new LinkedHashMap<>();
        while (step < train.steps()) {
            if (parallel.kills(worker.rank(), step + 1, worker.attempt())) {
                throw new InjectedFault("injected fault: rank " + worker.rank() + " dies before step " + (step + 1)
                        + " (train.fault.kill-rank / train.fault.at-step, first attempt only)");
            }
            StepTerms terms = step();
            if (!Double.isFinite(terms.loss())) {
                if (!train.skipNan()) {
                    throw new TrainingError("loss is " + terms.loss() + " at step " + (step + 1) + "; nothing was written after the last good checkpoint: "
                            + checkpoints.latestLocation() + " (set train.on-nan = skip to skip such steps)");
                }
                LOG.warn("step {}: loss is {}, step skipped (train.on-nan = skip)", step + 1, terms.loss());
                model.parameters().zeroGrads();
                step++;
                evaluation.afterStep(step, ema.weights(), metrics);     // an evaluation due now still runs
                continue;
            }
            lastLoss = terms.loss();
            terms.addTo(window, distillation != null);
            step++;
            double seconds = (System.nanoTime() - start) / 1e9;
            boolean checkpointStep = step % train.checkpointEvery() == 0 || step == train.steps();
            // Every rank checks (they hold the same weights), so a refusal is collective, like a NaN stop.
            if (checkpointStep) requireFiniteWeights();
            if (worker.leader() && (step % train.logEvery() == 0 || step == train.steps())) {
                log(metrics, window, terms.gradNorm(), seconds, first);
                window.clear();
            }
            // Collective; before the checkpoint, so that a run resumed from it has this step's scores.
            evaluation.afterStep(step, ema.weights(), metrics);
            if (!worker.leader()) continue;
            if (checkpointStep) checkpoint();
            if ((train.sampleEvery() > 0 && step % train.sampleEvery() == 0) || step == train.steps()) sampleGrid(fs);
        }
        if (worker.leader()) {
            metrics.flush();
            plot(fs);
        }
        return new Result(step, lastLoss, (System.nanoTime() - start) / 1e9, allReduceSeconds);
    }

    private void plot(FileSystem fs) throws IOException {
        Path metrics = new Path(run, "metrics.jsonl");
        if (!fs.exists(metrics)) return;
        List<String> lines = List.of(new String(fs.open(metrics).readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        try (FSDataOutputStream out = fs.create(new Path(run, "loss.png"), true)) {
            LossPlot.draw(lines, modelConfig.name() + " training loss", out);
        }
    }

    /** One step's terms, global batch means: the loss (with the KD terms when distilling) and its parts. */
    private record StepTerms(double loss, double mse, double vb, double kdEps, double kdVar, double gradNorm) {
        void addTo(Map<String, Double> window, boolean distilling) {
            window.merge("loss", loss, Double::sum);
            window.merge("mse", mse, Double::sum);
            window.merge("vb", vb, Double::sum);
            if (distilling) {
                window.merge("kd_eps", kdEps, Double::sum);
                window.merge("kd_var", kdVar, Double::sum);
            }
            window.merge("n", 1.0, Double::sum);
        }
    }

    /**
     * One optimizer step over a global batch, of which this rank computes positions
     * [rank * gb / W, (rank + 1) * gb / W). With a teacher, each micro-batch also runs the frozen
     * teacher on the same x_t and t and adds LiT's two distillation terms.
     */
    private StepTerms step() {
        int gb = train.globalBatch(), mb = train.microBatch();
        // This step's samples (already requested a step ago, except on the first) and the next step's.
        data.prefetch(plan.rankSamples(step));
        if (step + 1 < train.steps()) data.prefetch(plan.rankSamples(step + 1));
        double[] sums = new double[5];                                  // loss, mse, vb, kd_eps, kd_var
        model.parameters().zeroGrads();
        for (int from = plan.first(); from < plan.first() + plan.share(); from += mb) {
            boolean last = from + mb == plan.first() + plan.share();
            try (MemoryWorkspace ws = StepScope.open()) {
                MicroBatch b = microBatch(from, mb);
                INDArray x0 = Nd4j.create(b.images, batchShape(mb), 'c');
                INDArray noise = Nd4j.create(b.noise, x0.shape(), 'c');
                INDArray xt = diffusion.qSample(x0, b.t, noise);
                INDArray out = model.forwardForTraining(xt, b.t, b.y);
                TrainingLoss.Terms terms = TrainingLoss.compute(diffusion, out, x0, xt, b.t, noise, train.mseWeighting());
                // The terms' gradient is of this micro-batch's mean; the step's loss is the global mean.
                double part = (double) mb / gb;
                INDArray grad = terms.gradOutput();
                double loss = terms.meanLoss();
                if (teacher != null) {
                    int[] teacherLabels = distillation.teacherLabel() ? b.labels : b.y;
                    DistillationLoss.Terms kd = DistillationLoss.compute(out, teacher.predict(xt, b.t, teacherLabels), distillation.lambda1(), distillation.lambda2());
                    grad.addi(kd.gradOutput());
                    loss += distillation.lambda1() * kd.meanKdEps() + distillation.lambda2() * kd.meanKdVar();
                    sums[3] += kd.meanKdEps() * part;
                    sums[4] += kd.meanKdVar() * part;
                }
                // Gradients are final only in the last micro-batch's backward: it starts summing them.
                model.backward(grad.muli(part), last ? gradientSum : GradientListener.NONE);
                sums[0] += loss * part;
                sums[1] += terms.meanMse() * part;
                sums[2] += terms.meanVb() * part;
            }
        }
        // Each rank's gradient and terms are its share of the global mean; their sum is the mean.
        // The time counted is the wait: with overlap, the part of the sum the backward did not hide.
        long t0 = System.nanoTime();
        gradientSum.finish();
        INDArray total = Nd4j.createFromArray(sums);
        worker.allReduce().sum(total);
        allReduceSeconds += (System.nanoTime() - t0) / 1e9;
        double[] g = total.toDoubleVector();
        if (!Double.isFinite(g[0])) return new StepTerms(g[0], g[1], g[2], g[3], g[4], Double.NaN);
        // The update's temporaries (several buffers the size of the model) come from the step
        // workspace too: fresh off-heap buffers of that size cost more in page faults than the math.
        try (MemoryWorkspace ws = StepScope.open()) {
            double norm = GradientClipping.clip(model.parameters().grads(), train.gradClip());
            optimizer.step(train.lrAt(step));
            ema.update(model.parameters().values(), train.emaDecay());
            return new StepTerms(g[0], g[1], g[2], g[3], g[4], norm);
        }
    }

    private long[] batchShape(int n) {
        long[] s = data.sampleShape();
        return new long[] {n, s[0], s[1], s[2]};
    }

    /** y: the labels the student sees (the null class where dropped); labels: the true ones. */
    private record MicroBatch(float[] images, float[] noise, int[] t, int[] y, int[] labels) {
    }

    private MicroBatch microBatch(int from, int mb) {
        long[] shape = data.sampleShape();
        int size = (int) (shape[0] * shape[1] * shape[2]);
        float[] images = new float[mb * size], noise = new float[mb * size];
        int[] t = new int[mb], y = new int[mb], labels = new int[mb];
        for (int i = 0; i < mb; i++) {
            int index = from + i;                                    // position in the global batch
            int sample = plan.sample(step, index);
            SampleDraws d = SampleDraws.of(train.seed(), step, index, GaussianDiffusion.TRAINING_STEPS, modelConfig.classDropout(), size);
            System.arraycopy(data.x0(sample, d), 0, images, i * size, size);
            System.arraycopy(d.noise(), 0, noise, i * size, size);
            t[i] = d.timestep();
            labels[i] = data.label(sample);
            y[i] = d.dropLabel() ? model.nullClass() : labels[i];
        }
        return new MicroBatch(images, noise, t, y, labels);
    }

    private void resume() throws IOException {
        var latest = checkpoints.latest();
        // Every rank resumes from rank 0's choice: a dying attempt may have completed a newer
        // checkpoint between the ranks' looks. The sum over ranks broadcasts rank 0's step.
        long mine = latest.map(Checkpoints.Loaded::step).orElse(-1L);
        INDArray chosen = Nd4j.createFromArray(worker.leader() ? (double) mine : 0.0);
        worker.allReduce().sum(chosen);
        long agreed = (long) chosen.getDouble(0);
        if (agreed != mine) latest = agreed < 0 ? Optional.empty() : Optional.of(checkpoints.load(agreed));
        if (latest.isEmpty()) return;
        Checkpoints.Loaded c = latest.get();
        @SuppressWarnings("unchecked") Map<String, String> saved = (Map<String, String>) c.state().get("config");
        Map<String, String> now = trajectoryKeys(config);
        Map<String, String> differ = new TreeMap<>();
        for (String k : now.keySet()) if (!now.get(k).equals(saved.get(k))) differ.put(k, saved.get(k) + " -> " + now.get(k));
        for (String k : saved.keySet()) if (!now.containsKey(k)) differ.put(k, saved.get(k) + " -> (absent)");
        if (!differ.isEmpty()) {
            throw new TrainingError("checkpoint " + c.location() + " was written with a different config; differing keys: " + differ
                    + ". Use a new --run directory, or set these keys back.");
        }
        model.parameters().load(c.model(), c.location() + "/model.safetensors");
        model.parameters().loadInto(ema.weights(), c.ema(), c.location() + "/ema.safetensors");
        String optimizerFile = c.location() + "/optimizer.safetensors";
        model.parameters().loadInto(optimizer.expAvg(), withSuffix(c.optimizer(), ".exp_avg"), optimizerFile);
        model.parameters().loadInto(optimizer.expAvgSq(), withSuffix(c.optimizer(), ".exp_avg_sq"), optimizerFile);
        optimizer.restoreSteps(((Number) c.state().get("optimizer_steps")).longValue());
        step = c.step();
        LOG.info("resumed from {} at step {}", c.location(), step);
    }

    /** The tensors named NAME + suffix, by NAME (the optimizer file holds both moments). */
    private static Map<String, INDArray> withSuffix(Map<String, INDArray> tensors, String suffix) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.endsWith(suffix)) out.put(k.substring(0, k.length() - suffix.length()), v);
        });
        return out;
    }

    private void requireFiniteWeights() {
        if (!finite(model.parameters().values()) || !finite(ema.weights())) {
            throw new TrainingError("weights are not finite at step " + step + "; not writing them. Last good checkpoint: " + checkpoints.latestLocation());
        }
    }

    private void checkpoint() throws IOException {
        Map<String, INDArray> opt = model.parameters().toMap(optimizer.expAvg(), ".exp_avg");
        opt.putAll(model.parameters().toMap(optimizer.expAvgSq(), ".exp_avg_sq"));
        Map<String, INDArray> emaMap = model.parameters().toMap(ema.weights(), "");
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", step);
        state.put("optimizer_steps", optimizer.steps());
        state.put("seed", train.seed());
        state.put("world_size", worker.world());
        state.put("config", trajectoryKeys(config));
        checkpoints.write(step, model.parameters().toMap(), emaMap, opt, state, train.keepCheckpoints());
    }

    private void log(MetricsLog metrics, Map<String, Double> window, double gradNorm, double seconds, long first) throws IOException {
        double n = window.getOrDefault("n", 1.0);
        double done = step - first;
        double rate = done * train.globalBatch() / seconds;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("loss", window.getOrDefault("loss", Double.NaN) / n);
        m.put("mse", window.getOrDefault("mse", Double.NaN) / n);
        m.put("vb", window.getOrDefault("vb", Double.NaN) / n);
        if (window.containsKey("kd_eps")) {
            m.put("kd_eps", window.get("kd_eps") / n);
            m.put("kd_var", window.get("kd_var") / n);
        }
        m.put("grad_norm", gradNorm);
        m.put("lr", train.lrAt(step - 1));
        m.put("images_per_sec", rate);
        m.put("seconds", seconds);
        m.put("allreduce_seconds", allReduceSeconds);
        m.put("data_seconds", data.waitedSeconds());
        metrics.write(m);
        double eta = (train.steps() - step) * seconds / Math.max(1, done);
        LOG.info(String.format("step %d/%d  loss %.4f (mse %.4f, vb %.4f)  %.1f img/s  ETA %s", step, train.steps(), m.get("loss"), m.get("mse"),
                m.get("vb"), rate, Durations.format(eta)));
    }

    private void sampleGrid(FileSystem fs) throws IOException {
        if (!data.showsSamples()) return;
        Path png = new Path(run, String.format("samples/step-%08d.png", step));
        try (FSDataOutputStream out = fs.create(png, true)) {
            TrainingGrid.write(modelConfig, ema.weights(), data, train, out);
        }
        LOG.info("sample grid: {}", png);
    }

    private static boolean finite(INDArray a) {
        return !BooleanIndexing.or(a, Conditions.isNan()) && !BooleanIndexing.or(a, Conditions.isInfinite());
    }

    private static void writeText(FileSystem fs, Path p, String text) throws IOException {
        try (FSDataOutputStream out = fs.create(p, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    public DiffusionTransformer model() {
        return model;
    }

    public INDArray emaWeights() {
        return ema.weights();
    }

    /** A run that cannot go on (non-finite loss, a checkpoint from another config). */
    /**
     * A stop every rank reaches at the same step (a NaN loss, non-finite weights, a refused
     * checkpoint): retrying cannot help, so the Spark job reports it instead of retrying.
     */
    public static final class TrainingError extends IllegalStateException {
        public TrainingError(String message) {
            super(message);
        }
    }

    /** train.fault.*: a worker dying as a lost machine would, which Spark retries. */
    public static final class InjectedFault extends RuntimeException {
        InjectedFault(String message) {
            super(message);
        }
    }
}
