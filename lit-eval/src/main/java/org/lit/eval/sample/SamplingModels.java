package org.lit.eval.sample;

import org.lit.core.Chunks;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.vae.AutoencoderKL;
import org.lit.data.VaeFiles;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The networks a sample set is made with: the diffusion model and, for a latent model, the VAE that decodes it. */
public final class SamplingModels {
    private final DiffusionTransformer model;
    private final AutoencoderKL vae;

    /** vae: null for a pixel-space model. */
    public SamplingModels(DiffusionTransformer model, AutoencoderKL vae) {
        this.model = model;
        this.vae = vae;
    }

    /** Reads the weights (strictly: a missing or misshapen tensor is named) and the VAE. */
    static SamplingModels load(SampleOptions o) {
        DiffusionTransformer model = ModelWeights.load(o.model(), o.weights());
        model.setSchedule(org.lit.core.nn.BlockSchedule.parse(o.layers(), o.model().depth()));
        return new SamplingModels(model, o.vae() == null ? null : AutoencoderKL.load(VaeFiles.local(o.vae())));
    }

    /** Samples from .. from + n - 1 as images (n, 3, H, W) in about [-1, 1]. */
    public INDArray sample(SampleOptions o, long from, int n) {
        return images(o.sampling().draw(model, from, n));
    }

    /** Samples in the model's space as images: latents decoded, pixels as they are. */
    public INDArray images(INDArray x) {
        // A 256px decode holds large activations: a few latents at a time.
        return vae == null ? x : Chunks.apply(x, 4, vae::decode);
    }
}
