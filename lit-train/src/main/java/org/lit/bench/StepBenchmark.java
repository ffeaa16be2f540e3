package org.lit.bench;

import org.lit.core.config.ModelConfig;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.StepScope;
import org.lit.train.AdamW;
import org.lit.train.Ema;
import org.lit.train.GradientClipping;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Java side of `lit bench`'s workloads, each what tools/bench/torch_step.py's mode of the same
 * name runs in PyTorch, on a random-weight model whose arrays are all made before the call; and
 * the median wall time of a call, and of a float32 GEMM, on ND4J.
 */
public final class StepBenchmark {
    private StepBenchmark() {
    }

    /** Optimizer settings of the `optimizer` workload: DiT's AdamW and EMA, with global-norm clipping on. */
    public record OptimizerSettings(double lr, double maxNorm, double emaDecay) {
        public static final OptimizerSettings DIT = new OptimizerSettings(1e-4, 1.0, 0.9999);

        /** The settings as arguments of torch_step.py and of `lit bench workload`. */
        public List<String> args() {
            return List.of("--lr", "" + lr, "--max-norm", "" + maxNorm, "--ema-decay", "" + emaDecay);
        }
    }

    /** torch_step.py's workload of the same name: step, sampling, forward or optimizer; the model and inputs made now. */
    public static Runnable workload(String mode, ModelConfig config, int batch, double cfgScale, OptimizerSettings optimizer) {
        return switch (mode) {
            case "step" -> trainingStep(config, batch);
            case "sampling" -> samplingStep(config, batch, cfgScale);
            case "forward" -> inferenceForward(config, batch);
            case "optimizer" -> optimizerStep(config, optimizer);
            default -> throw new IllegalArgumentException("no workload " + mode + " (step, sampling, forward, optimizer)");
        };
    }

    /** `step`: forward + backward of a batch of random latents against a random upstream gradient. */
    private static Runnable trainingStep(ModelConfig config, int batch) {
        DiffusionTransformer model = randomModel(config);
        Inputs in = Inputs.random(config, batch);
        INDArray upstream = Nd4j.randn(DataType.FLOAT, batch, config.outChannels(), config.inputSize(), config.inputSize());
        return () -> {
            try (MemoryWorkspace ws = StepScope.open()) {
                model.parameters().zeroGrads();
                model.forwardForTraining(in.x, in.t, in.y);
                model.backward(upstream);
            }
        };
    }

    /**
     * `sampling`: one guided DDPM step's network call, as the Sampler makes it: forwardWithCfg on
     * [z; z] (2 x samples) with labels [y; null], in the step workspace.
     */
    private static Runnable samplingStep(ModelConfig config, int samples, double cfgScale) {
        DiffusionTransformer model = randomModel(config);
        Inputs in = Inputs.random(config, samples);
        INDArray x = Nd4j.concat(0, in.x, in.x);
        int[] t = concat(in.t, in.t);
        int[] y = concat(in.y, new int[samples]);
        Arrays.fill(y, samples, 2 * samples, model.nullClass());
        return () -> {
            try (MemoryWorkspace ws = StepScope.open()) {
                model.forwardWithCfg(x, t, y, cfgScale);
            }
        };
    }

    /** `forward`: an inference forward of a batch, in the step workspace. */
    private static Runnable inferenceForward(ModelConfig config, int batch) {
        DiffusionTransformer model = randomModel(config);
        Inputs in = Inputs.random(config, batch);
        return () -> {
            try (MemoryWorkspace ws = StepScope.open()) {
                model.forward(in.x, in.t, in.y);
            }
        };
    }

    /** `optimizer`: what follows backward in Trainer (clipping, AdamW, the EMA), on random gradients. */
    private static Runnable optimizerStep(ModelConfig config, OptimizerSettings s) {
        DiffusionTransformer model = randomModel(config);
        model.parameters().grads().assign(Nd4j.randn(DataType.FLOAT, model.parameters().size()));
        AdamW optimizer = new AdamW(model.parameters(), 0.9, 0.999, 1e-8, 0.0);
        Ema ema = new Ema(model.parameters().values());
        return () -> {
            try (MemoryWorkspace ws = StepScope.open()) {
                GradientClipping.clip(model.parameters().grads(), s.maxNorm());
                optimizer.step(s.lr());
                ema.update(model.parameters().values(), s.emaDecay());
            }
        };
    }

    /** GFLOP/s of an n x n x n float32 GEMM into a preallocated output. */
    public static double gemmGflops(int n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, n, n);
        double seconds = median(5, 1, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
        return 2.0 * n * n * (double) n / seconds / 1e9;
    }

    static double median(int runs, int warmup, Runnable body) {
        for (int i = 0; i < warmup; i++) body.run();
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            body.run();
            Nd4j.getExecutioner().commit();   // a GPU backend runs asynchronously
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return runs % 2 == 1 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
    }

    private static DiffusionTransformer randomModel(ModelConfig config) {
        DiffusionTransformer model = new DiffusionTransformer(config, DataType.FLOAT);
        model.parameters().initialize(0);
        return model;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Random latents, timesteps and labels (the null class excluded) of one batch, seeded. */
    private record Inputs(INDArray x, int[] t, int[] y) {
        static Inputs random(ModelConfig config, int batch) {
            Nd4j.getRandom().setSeed(0);
            SplittableRandom rng = new SplittableRandom(0);
            return new Inputs(Nd4j.randn(DataType.FLOAT, batch, config.inChannels(), config.inputSize(), config.inputSize()),
                    rng.ints(batch, 0, 1000).toArray(), rng.ints(batch, 0, config.numClasses()).toArray());
        }
    }
}
