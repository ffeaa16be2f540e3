package org.lit.core.diffusion;

import org.lit.core.Seeds;
import org.lit.core.config.ModelConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Everything random about sample number i of a sample set, drawn from (seed, i) alone: its class,
 * its starting noise and DDPM's noise at each of its steps. A set is then the same whatever the
 * batch size, the worker count or the order in which its parts are made, and a lost part is
 * made again bit for bit.
 */
public record IndexedDraws(long seed, int classes) {
    private long key(long index) {
        return Seeds.mix(seed, index);
    }

    /** The classes of samples from .. from + n - 1, uniform over 0..classes-1. */
    public int[] labels(long from, int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = new SplittableRandom(key(from + i)).nextInt(classes);
        return y;
    }

    /** Their starting noise (n, C, H, W): row i from sample from + i's own stream. */
    public INDArray startNoise(long from, int n, ModelConfig c) {
        long[] row = {1, c.inChannels(), c.inputSize(), c.inputSize()};
        INDArray[] rows = new INDArray[n];
        for (int i = 0; i < n; i++) rows[i] = StepNoise.gaussian(new SplittableRandom(Seeds.mix(key(from + i), 1)), row);
        return Nd4j.concat(0, rows);
    }

    /**
     * DDPM's step noise for those samples, each row from its sample's stream. A guided batch
     * [x; x] of 2n rows gives its second half the first half's noise: the two halves stay one
     * sample, as they do under forward_with_cfg.
     */
    public StepNoise stepNoise(long from, int n) {
        SplittableRandom[] streams = new SplittableRandom[n];
        for (int i = 0; i < n; i++) streams[i] = new SplittableRandom(Seeds.mix(key(from + i), 2));
        return shape -> {
            if (shape[0] != n && shape[0] != 2L * n) throw new IllegalArgumentException("step noise for " + n + " samples, asked for " + shape[0] + " rows");
            long[] row = shape.clone();
            row[0] = 1;
            INDArray[] rows = new INDArray[n];
            for (int i = 0; i < n; i++) rows[i] = StepNoise.gaussian(streams[i], row);
            INDArray half = Nd4j.concat(0, rows);
            return shape[0] == n ? half : Nd4j.concat(0, half, half);
        };
    }
}
