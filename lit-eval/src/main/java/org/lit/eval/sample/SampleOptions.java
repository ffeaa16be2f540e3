package org.lit.eval.sample;

import org.lit.core.config.ModelConfig;

import java.io.Serializable;

/**
 * A sample set to make: the model (its config, and its weights: a file or a checkpoint folder, any
 * Hadoop URI), the VAE that decodes latents (null for a pixel-space model), how many samples, the
 * sampler (DDPM or DDIM, respaced steps, guidance scale, x0 clipping), the seed that fixes every
 * draw, the batch a task samples at once, the samples per part (the unit a task makes and a re-run
 * skips), and the .npz to write. killPart is fault injection for tests (that part's first attempt
 * dies after writing its data, before its record). layers: a layer strategy (BlockSchedule), null for
 * the network as it is.
 */
public record SampleOptions(String weights, ModelConfig model, String vae, long num, boolean ddpm, int steps, double cfgScale,
                            boolean clipDenoised, long seed, int batch, int partSize, String out, int killPart, String layers) implements Serializable {
    public SampleOptions {
        org.lit.core.nn.BlockSchedule.parse(layers, model.depth());          // a bad strategy fails here, naming itself and the depth
        if (num < 1) throw new IllegalArgumentException("--num must be at least 1, got " + num);
        if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        if (partSize < 1) throw new IllegalArgumentException("--part-size must be at least 1, got " + partSize);
        if (!out.endsWith(".npz")) throw new IllegalArgumentException("--out must name an .npz (ADM's sample batch), got " + out);
        if (model.inChannels() != 3 && vae == null) {
            throw new IllegalArgumentException(model.name() + " samples latents (" + model.inChannels() + " channels): give --vae FILE to decode them");
        }
    }

    /**
     * The cut when none is given: about 50 parts (enough tasks to spread over a cluster's GPUs), each
     * at least one batch and at most 1000 samples (what a failure costs). It depends on the options
     * alone, never on the cluster, so a re-run on other workers finds the same parts.
     */
    public static int defaultPartSize(long num, int batch) {
        return (int) Math.min(1000, Math.max(batch, (num + 49) / 50));
    }

    /** How the set is drawn. */
    public Sampling sampling() {
        return new Sampling(ddpm, steps, cfgScale, clipDenoised, seed);
    }

    /** Number of parts. */
    public int parts() {
        return Math.toIntExact((num + partSize - 1) / partSize);
    }

    /** The folder of the parts, beside the .npz. */
    public String partsDir() {
        return out + ".parts";
    }

    /** The PNG grid of the first 64 samples, beside the .npz. */
    public String gridFile() {
        return out.substring(0, out.length() - 4) + ".png";
    }
}
