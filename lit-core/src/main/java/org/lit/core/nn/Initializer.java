package org.lit.core.nn;

import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Fills one parameter. Draws come from one seeded Java stream in state-dict order, so an
 * initialisation is the same on every machine and backend (it is not PyTorch's stream).
 */
@FunctionalInterface
public interface Initializer {
    void fill(Param p, SplittableRandom rng);

    Initializer ZEROS = (p, rng) -> p.value().assign(0);

    static Initializer uniform(double bound) {
        return (p, rng) -> {
            float[] v = new float[Math.toIntExact(p.length())];
            for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            p.value().assign(Nd4j.create(v, p.shape, 'c').castTo(p.value().dataType()));
        };
    }

    /** xavier_uniform_: U(+-sqrt(6 / (fan_in + fan_out))). */
    static Initializer xavierUniform(long fanIn, long fanOut) {
        return uniform(Math.sqrt(6.0 / (fanIn + fanOut)));
    }

    static Initializer normal(double std) {
        return (p, rng) -> {
            float[] v = new float[Math.toIntExact(p.length())];
            java.util.Random gaussian = new java.util.Random(rng.nextLong());
            for (int i = 0; i < v.length; i++) v[i] = (float) (gaussian.nextGaussian() * std);
            p.value().assign(Nd4j.create(v, p.shape, 'c').castTo(p.value().dataType()));
        };
    }
}
