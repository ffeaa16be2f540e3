package org.lit.core.vae;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder's DiagonalGaussianDistribution, (N, latentChannels, h, w) each: mean, and
 * std = exp(logvar / 2) with logvar clamped to [-30, 20] as diffusers does.
 */
public record Posterior(INDArray mean, INDArray std) {
    /**
     * A latent as the diffusion model sees it: (mean + std * eps) * scalingFactor, with eps ~ N(0, 1)
     * of mean's shape (the caller draws it, so draws stay reproducible). 0.18215 for the SD VAE.
     */
    public INDArray sample(INDArray eps, double scalingFactor) {
        if (!java.util.Arrays.equals(eps.shape(), mean.shape())) {
            throw new IllegalArgumentException("eps has shape " + java.util.Arrays.toString(eps.shape()) + ", the posterior "
                    + java.util.Arrays.toString(mean.shape()));
        }
        return std.mul(eps.castTo(std.dataType())).addi(mean).muli(scalingFactor);
    }
}
