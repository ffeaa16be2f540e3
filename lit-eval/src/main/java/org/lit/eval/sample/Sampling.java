package org.lit.eval.sample;

import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.diffusion.IndexedDraws;
import org.lit.core.diffusion.Sampler;
import org.lit.core.nn.DiffusionTransformer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;

/**
 * How a sample set is drawn: DDPM or DDIM, the respaced steps, the guidance scale (1 = none), x0
 * clipping, and the seed from which sample i's class and noise come ({@link IndexedDraws}). Sample
 * i is then the same whichever batch, task or worker makes it: `lit sample` and the trainer's
 * FID during training draw their sets through this one place.
 */
public record Sampling(boolean ddpm, int steps, double cfgScale, boolean clipDenoised, long seed) implements Serializable {
    /** Samples from .. from + n - 1 in the model's space (latents for a latent model), (n, C, H, W). */
    public INDArray draw(DiffusionTransformer model, long from, int n) {
        IndexedDraws draws = new IndexedDraws(seed, model.config().numClasses());
        GaussianDiffusion d = GaussianDiffusion.respaced(String.valueOf(steps));      // as create_diffusion(str(N)), for DDPM and DDIM alike
        Sampler.Options how = new Sampler.Options(ddpm, cfgScale, clipDenoised, draws.stepNoise(from, n));
        return Sampler.run(model, d, draws.startNoise(from, n, model.config()), draws.labels(from, n), how);
    }

    /**
     * Samples of the given labels from the starting noise z (n, C, H, W), `lit sample --labels`:
     * DDPM's step noise from one stream over the batch, fixed by the seed.
     */
    public INDArray fromNoise(DiffusionTransformer model, INDArray z, int[] labels) {
        return Sampler.run(model, GaussianDiffusion.respaced(String.valueOf(steps)), z, labels, new Sampler.Options(ddpm, cfgScale, clipDenoised, seed));
    }

    /** Samples of the given labels from the seed's noise (Sampler.noise). */
    public INDArray ofLabels(DiffusionTransformer model, int[] labels) {
        return fromNoise(model, Sampler.noise(seed, labels.length, model.config()), labels);
    }

    /** "ddpm 250 steps, cfg 4.00": for progress lines. */
    public String describe() {
        return String.format("%s %d steps, cfg %.2f", ddpm ? "ddpm" : "ddim", steps, cfgScale);
    }
}
