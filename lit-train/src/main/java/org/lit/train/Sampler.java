package org.lit.train;

import org.lit.core.config.ModelConfig;
import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.StepScope;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/** Sampling loops over a (respaced) diffusion; the network sees original timesteps. */
public final class Sampler {
    private Sampler() {
    }

    /** Standard normal noise (N, C, H, W) fixed by a seed, the same on every machine. */
    public static INDArray noise(long seed, int n, ModelConfig c) {
        return gaussian(new SplittableRandom(seed), new long[] {n, c.inChannels(), c.inputSize(), c.inputSize()});
    }

    /**
     * How to sample: DDPM (ancestral) or deterministic DDIM (eta 0); the guidance scale (1 = none);
     * clip_denoised (x0 clamped to [-1, 1], for pixel space); the seed of DDPM's step noise.
     */
    public record Options(boolean ddpm, double cfgScale, boolean clipDenoised, long seed) {
    }

    /**
     * The whole loop, as DiT's sample.py: with guidance (scale > 1) the batch is [z; z] with labels
     * [y; null], the model runs forward_with_cfg, and the first half is returned. DDPM draws its
     * per-step noise (over the whole batch, as the reference) from a stream fixed by the seed.
     */
    public static INDArray run(DiffusionTransformer model, GaussianDiffusion d, INDArray z, int[] y, Options o) {
        double cfgScale = o.cfgScale();
        boolean guided = cfgScale > 1.0;
        int n = y.length;
        INDArray x = guided ? Nd4j.concat(0, z, z) : z;
        int[] labels = y;
        if (guided) {
            labels = java.util.Arrays.copyOf(y, 2 * n);
            java.util.Arrays.fill(labels, n, 2 * n, model.nullClass());
        }
        SplittableRandom rng = new SplittableRandom(o.seed() ^ 0x5DEECE66DL);
        for (int i = d.numTimesteps() - 1; i >= 0; i--) {
            int[] t = new int[labels.length];
            java.util.Arrays.fill(t, i);
            int[] original = d.originalTimesteps(t);
            // One step's intermediates live in the step workspace; only the new x leaves it.
            try (MemoryWorkspace ws = StepScope.open()) {
                INDArray out = guided ? model.forwardWithCfg(x, original, labels, cfgScale) : model.forward(x, original, labels);
                x = (o.ddpm() ? d.ddpmStep(out, x, t, gaussian(rng, x.shape()), o.clipDenoised())
                        : d.ddimStep(out, x, t, 0.0, null, o.clipDenoised())).detach();
            }
        }
        return guided ? x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup() : x;
    }

    private static INDArray gaussian(SplittableRandom rng, long[] shape) {
        float[] v = new float[(int) org.lit.core.io.DTypes.count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return Nd4j.create(v, shape, 'c');
    }
}
