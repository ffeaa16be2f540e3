package org.lit.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.lit.core.config.ConfigError;
import org.lit.core.diffusion.MseWeighting;

/** The resolved `train` block (the `data` block is {@link org.lit.train.data.DataConfig}). */
public record TrainConfig(int steps, int globalBatch, int microBatch, long seed, double lr, double weightDecay, int warmupSteps,
                          MseWeighting mseWeighting, double gradClip, double emaDecay, int checkpointEvery, int keepCheckpoints, int logEvery,
                          int sampleEvery, boolean sampleDdpm, int sampleSteps, double sampleCfgScale, boolean skipNan, String init) {

    public static TrainConfig from(Config c) {
        try {
            TrainConfig t = new TrainConfig(c.getInt("train.steps"), c.getInt("train.global-batch"), c.getInt("train.micro-batch"),
                    c.getLong("train.seed"), c.getDouble("train.lr"), c.getDouble("train.weight-decay"), c.getInt("train.warmup-steps"),
                    mseWeighting(c.getDouble("train.min-snr-gamma")), c.getDouble("train.grad-clip"), c.getDouble("train.ema-decay"), c.getInt("train.checkpoint-every"),
                    c.getInt("train.keep-checkpoints"), c.getInt("train.log-every"), c.getInt("train.sample-every"),
                    ddpm("train.sample-sampler", c.getString("train.sample-sampler")), c.getInt("train.sample-steps"), c.getDouble("train.sample-cfg-scale"), onNan(c.getString("train.on-nan")), c.getString("train.init"));
            t.validate();
            return t;
        } catch (ConfigException.WrongType e) {
            throw new ConfigError("train", e.getMessage());
        }
    }

    private static MseWeighting mseWeighting(double gamma) {
        try {
            return new MseWeighting(gamma);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("train.min-snr-gamma", "train.min-snr-gamma must be >= 0 (0 = DiT's uniform loss, 5 = the Min-SNR paper's), got " + gamma);
        }
    }

    /** ddpm -> true, ddim -> false; anything else is an error naming the key. */
    public static boolean ddpm(String key, String sampler) {
        return switch (sampler) {
            case "ddpm" -> true;
            case "ddim" -> false;
            default -> throw new ConfigError(key, key + " must be ddpm or ddim, got '" + sampler + "'");
        };
    }

    private static boolean onNan(String v) {
        return switch (v) {
            case "stop" -> false;
            case "skip" -> true;
            default -> throw new ConfigError("train.on-nan", "train.on-nan must be stop or skip, got '" + v + "'");
        };
    }

    private void validate() {
        positive("train.steps", steps);
        positive("train.global-batch", globalBatch);
        positive("train.micro-batch", microBatch);
        if (globalBatch % microBatch != 0) {
            throw new ConfigError("train.micro-batch", "train.global-batch " + globalBatch + " is not a multiple of train.micro-batch " + microBatch);
        }
        positive("train.checkpoint-every", checkpointEvery);
        positive("train.keep-checkpoints", keepCheckpoints);
        positive("train.log-every", logEvery);
        positive("train.sample-steps", sampleSteps);
        try {
            org.lit.core.diffusion.Respacing.steps(org.lit.core.diffusion.GaussianDiffusion.TRAINING_STEPS, sampleRespacing());
        } catch (IllegalArgumentException e) {
            throw new ConfigError("train.sample-steps", "train.sample-steps " + sampleSteps + " is not a respacing (" + sampleRespacing() + ") of 1000 steps: " + e.getMessage());
        }
        if (sampleCfgScale < 1) throw new ConfigError("train.sample-cfg-scale", "train.sample-cfg-scale must be >= 1 (1 = no guidance), got " + sampleCfgScale);
        if (lr <= 0) throw new ConfigError("train.lr", "train.lr must be positive, got " + lr);
        if (emaDecay < 0 || emaDecay > 1) throw new ConfigError("train.ema-decay", "train.ema-decay must be in [0, 1], got " + emaDecay);
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new ConfigError(key, key + " must be a positive integer, got " + v);
    }

    /** The sample grid's respacing: DDIM's evenly strided steps, or create_diffusion(str(N))'s for DDPM. */
    public String sampleRespacing() {
        return sampleDdpm ? String.valueOf(sampleSteps) : "ddim" + sampleSteps;
    }

    /** Learning rate at a step: linear warm-up, then constant (DiT uses a constant rate). */
    public double lrAt(long step) {
        return warmupSteps > 0 && step < warmupSteps ? lr * (step + 1) / warmupSteps : lr;
    }
}
