package org.lit.bench;

import org.lit.core.config.ModelConfig;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.StepScope;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Median wall time of one forward+backward step of a network, and of a float32 GEMM, on ND4J. */
public final class StepBenchmark {
    private StepBenchmark() {
    }

    /** Seconds per forward+backward step (median of steps, after warmup), batch of random latents. */
    public static double step(ModelConfig config, int batch, int steps, int warmup) {
        DiffusionTransformer model = new DiffusionTransformer(config, DataType.FLOAT);
        model.parameters().initialize(0);
        Nd4j.getRandom().setSeed(0);
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, config.inChannels(), config.inputSize(), config.inputSize());
        INDArray upstream = Nd4j.randn(DataType.FLOAT, batch, config.outChannels(), config.inputSize(), config.inputSize());
        SplittableRandom rng = new SplittableRandom(0);
        int[] t = rng.ints(batch, 0, 1000).toArray();
        int[] y = rng.ints(batch, 0, config.numClasses()).toArray();
        return median(steps, warmup, () -> {
            try (MemoryWorkspace ws = StepScope.open()) {
                model.parameters().zeroGrads();
                model.forwardForTraining(x, t, y);
                model.backward(upstream);
            }
        });
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
}
