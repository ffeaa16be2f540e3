package org.lit.eval.sample;

import org.lit.core.Chunks;
import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.diffusion.IndexedDraws;
import org.lit.core.diffusion.Sampler;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.vae.AutoencoderKL;
import org.lit.data.VaeFiles;
import org.nd4j.linalg.api.buffer.DataType;
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
        DiffusionTransformer model = new DiffusionTransformer(o.model(), DataType.FLOAT);
        model.parameters().load(TensorFiles.read(ModelWeights.local(o.weights())), o.weights());
        return new SamplingModels(model, o.vae() == null ? null : AutoencoderKL.load(VaeFiles.local(o.vae())));
    }

    /** Samples from .. from + n - 1 as images (n, 3, H, W) in about [-1, 1]. */
    public INDArray sample(SampleOptions o, long from, int n) {
        IndexedDraws draws = new IndexedDraws(o.seed(), o.model().numClasses());
        GaussianDiffusion d = GaussianDiffusion.respaced(String.valueOf(o.steps()));      // as create_diffusion(str(N)), for DDPM and DDIM alike
        Sampler.Options how = new Sampler.Options(o.ddpm(), o.cfgScale(), o.clipDenoised(), draws.stepNoise(from, n));
        INDArray x = Sampler.run(model, d, draws.startNoise(from, n, o.model()), draws.labels(from, n), how);
        // A 256px decode holds large activations: a few latents at a time.
        return vae == null ? x : Chunks.apply(x, 4, vae::decode);
    }
}
