package org.lit.train;

import org.lit.core.config.ModelConfig;
import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.nn.DiffusionTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/** Sampling loops over a (respaced) diffusion; the network sees original timesteps. */
public final class Sampler {
    private Sampler() {
    }

    /** Standard normal noise (N, C, H, W) fixed by a seed, the same on every machine. */
    public static INDArray noise(long seed, int n, ModelConfig c) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n * c.inChannels() * c.inputSize() * c.inputSize()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return Nd4j.create(v, new long[] {n, c.inChannels(), c.inputSize(), c.inputSize()}, 'c').castTo(DataType.FLOAT);
    }

    /** Deterministic DDIM (eta 0) from x, conditional on labels y. */
    public static INDArray ddim(DiffusionTransformer model, GaussianDiffusion d, INDArray x, int[] y) {
        for (int i = d.numTimesteps() - 1; i >= 0; i--) {
            int[] t = new int[y.length];
            java.util.Arrays.fill(t, i);
            x = d.ddimStep(model.forward(x, d.originalTimesteps(t), y), x, t, 0.0, null);
        }
        return x;
    }
}
