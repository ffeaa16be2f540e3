package org.lit.data.latents;

/**
 * One sample of a latent data set: its VAE posterior's mean and std, each 2 * C * h * w floats,
 * the image's [C, h, w] first and its horizontal flip's after.
 *
 * @param index the global sample index (shard order, then row)
 */
public record Sample(int index, int label, float[] mean, float[] std) {
    /**
     * The training latent of the image (or of its flip): (mean + std * eps) * scalingFactor,
     * a draw from the posterior scaled as diffusion models expect; eps has C * h * w elements.
     */
    public float[] latent(boolean flip, float[] eps, float scalingFactor) {
        int n = mean.length / 2;
        if (eps.length != n) throw new IllegalArgumentException("eps has " + eps.length + " elements, a latent " + n);
        int off = flip ? n : 0;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (mean[off + i] + std[off + i] * eps[i]) * scalingFactor;
        return out;
    }
}
