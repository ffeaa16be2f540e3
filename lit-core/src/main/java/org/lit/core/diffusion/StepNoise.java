package org.lit.core.diffusion;

import org.lit.core.io.DTypes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/** Where DDPM's fresh noise of each step comes from. */
@FunctionalInterface
public interface StepNoise {
    /** Standard normal noise of the batch's shape (N, C, H, W). */
    INDArray draw(long[] shape);

    /** One stream for the whole batch, fixed by a seed (as the reference draws randn over the batch). */
    static StepNoise seeded(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        return shape -> gaussian(rng, shape);
    }

    /** Standard normal float32 values of a shape, in C order, from a stream. */
    static INDArray gaussian(SplittableRandom rng, long[] shape) {
        float[] v = new float[(int) DTypes.count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return Nd4j.create(v, shape, 'c');
    }
}
