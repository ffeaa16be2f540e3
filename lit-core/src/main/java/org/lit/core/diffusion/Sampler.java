package org.lit.core.diffusion;

import org.lit.core.config.ModelConfig;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.StepScope;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Sampling loops over a (respaced) diffusion; the network sees original timesteps. */
public final class Sampler {
    private Sampler() {
    }

    /** Standard normal noise (N, C, H, W) fixed by a seed, the same on every machine. */
    public static INDArray noise(long seed, int n, ModelConfig c) {
        return StepNoise.gaussian(new SplittableRandom(seed), new long[] {n, c.inChannels(), c.inputSize(), c.inputSize()});
    }

    /**
     * How to sample: DDPM (ancestral) or deterministic DDIM (eta 0); the guidance scale (1 = none);
     * clip_denoised (x0 clamped to [-1, 1], for pixel space); where DDPM's step noise comes from.
     */
    public record Options(boolean ddpm, double cfgScale, boolean clipDenoised, StepNoise stepNoise) {
        /** DDPM's step noise from one stream over the batch, fixed by the seed. */
        public Options(boolean ddpm, double cfgScale, boolean clipDenoised, long seed) {
            this(ddpm, cfgScale, clipDenoised, StepNoise.seeded(seed));
        }
    }

    /**
     * The whole loop, as DiT's sample.py: with guidance (scale > 1) the batch is [z; z] with labels
     * [y; null], the model runs forward_with_cfg, and the first half is returned.
     */
    public static INDArray run(DiffusionTransformer model, GaussianDiffusion d, INDArray z, int[] y, Options o) {
        double cfgScale = o.cfgScale();
        boolean guided = cfgScale > 1.0;
        int n = y.length;
        INDArray x = guided ? Nd4j.concat(0, z, z) : z;
        int[] labels = y;
        if (guided) {
            labels = Arrays.copyOf(y, 2 * n);
            Arrays.fill(labels, n, 2 * n, model.nullClass());
        }
        for (int i = d.numTimesteps() - 1; i >= 0; i--) {
            int[] t = new int[labels.length];
            Arrays.fill(t, i);
            int[] original = d.originalTimesteps(t);
            // One step's intermediates live in the step workspace; only the new x leaves it.
            try (MemoryWorkspace ws = StepScope.open()) {
                INDArray out = guided ? model.forwardWithCfg(x, original, labels, cfgScale) : model.forward(x, original, labels);
                x = (o.ddpm() ? d.ddpmStep(out, x, t, o.stepNoise().draw(x.shape()), o.clipDenoised())
                        : d.ddimStep(out, x, t, 0.0, null, o.clipDenoised())).detach();
            }
        }
        return guided ? x.get(NDArrayIndex.interval(0, n), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup() : x;
    }
}
