package org.lit.train.data;

import org.lit.train.SampleDraws;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Where a run's x0 come from, behind one small interface: a folder of images (pixel space, the demo)
 * or VAE latent shards (the paper settings). The trainer asks for samples by index in the dataset's
 * fixed order; each sample's randomness (flip, the posterior's eps) comes from its draws, so every
 * worker count and every resume sees the same x0.
 */
public interface TrainingData extends AutoCloseable {
    int size();

    /** Class names in label order. */
    List<String> classes();

    int label(int index);

    /** (C, H, W) of one x0 as the model sees it. */
    long[] sampleShape();

    /** x0 of sample {@code index} under its draws, as C*H*W floats. */
    float[] x0(int index, SampleDraws draws);

    /** Starts reading samples a coming step needs; sources whose reads are cheap ignore it. */
    default void prefetch(int[] indices) {
    }

    /** Seconds spent waiting for reads that were not finished when a step needed them. */
    default double waitedSeconds() {
        return 0;
    }

    /** Whether model-space samples can be shown as images (a latent run needs a VAE). */
    default boolean showsSamples() {
        return true;
    }

    /** Model-space samples (N, C, H, W) as images (N, 3, H', W') in [-1, 1]. */
    INDArray pixels(INDArray samples);

    /** Whether samplers clamp x0 estimates to [-1, 1]: in pixel space, as ADM; never for latents, as DiT. */
    boolean clipDenoised();

    @Override
    default void close() {
    }
}
