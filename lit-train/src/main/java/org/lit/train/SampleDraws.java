package org.lit.train;

import java.util.SplittableRandom;

import static org.lit.core.Seeds.mix;

/**
 * Everything random about one training sample, drawn from (seed, step, index in the global batch)
 * alone: the same draws whatever the worker count, and the same after a resume.
 */
public record SampleDraws(int timestep, boolean dropLabel, boolean flip, float[] noise, long key) {
    public static SampleDraws of(long seed, long step, int index, int timesteps, double classDropout, int noiseSize) {
        long key = mix(mix(seed, step), index);
        SplittableRandom rng = new SplittableRandom(key);
        int t = rng.nextInt(timesteps);
        boolean drop = rng.nextDouble() < classDropout;
        boolean flip = rng.nextBoolean();
        float[] noise = new float[noiseSize];
        for (int i = 0; i < noiseSize; i++) noise[i] = (float) rng.nextGaussian();
        return new SampleDraws(t, drop, flip, noise, key);
    }

    /**
     * The eps of the VAE posterior's sample (mean + std * eps) for a latent run: a stream of its own
     * from the same key, so the other draws are the same in pixel and latent space.
     */
    public float[] posteriorEps(int size) {
        SplittableRandom rng = new SplittableRandom(mix(key, 1));
        float[] eps = new float[size];
        for (int i = 0; i < size; i++) eps[i] = (float) rng.nextGaussian();
        return eps;
    }

    /** A permutation of 0..n-1 for an epoch, from (seed, epoch). */
    public static int[] epochOrder(long seed, long epoch, int n) {
        SplittableRandom rng = new SplittableRandom(mix(seed, -1 - epoch));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }
}
