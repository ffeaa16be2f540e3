package org.lit.cli;

import org.lit.eval.sample.Sampling;
import picocli.CommandLine.Option;

/** How samples are drawn: the sampler, its steps, guidance, x0 clipping and seed; shared by lit sample and lit layers sweep. */
final class SamplerOptions {
    @Option(names = "--seed", defaultValue = "0", description = "seed of the starting noise and DDPM's step noise (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--sampler", defaultValue = "ddpm", description = "ddpm | ddim (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--steps", defaultValue = "250", description = "sampling steps, respaced as create_diffusion(str(N)) (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--cfg-scale", defaultValue = "1.0", description = "classifier-free guidance scale; 1 = none (default: ${DEFAULT-VALUE})")
    double cfgScale;

    @Option(names = "--clip-denoised", description = "clamp each step's x0 estimate to [-1, 1] (pixel-space models; DiT's latents are sampled unclipped)")
    boolean clipDenoised;

    /** The sampler as chosen; a sampler other than ddpm or ddim is an error naming it. */
    Sampling sampling() {
        if (!sampler.equals("ddpm") && !sampler.equals("ddim")) throw new IllegalArgumentException("--sampler must be ddpm or ddim, got '" + sampler + "'");
        if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        return new Sampling(sampler.equals("ddpm"), steps, cfgScale, clipDenoised, seed);
    }
}
