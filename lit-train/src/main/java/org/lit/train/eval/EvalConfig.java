package org.lit.train.eval;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.lit.core.config.ConfigError;
import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.diffusion.Respacing;
import org.lit.eval.sample.Sampling;
import org.lit.train.TrainConfig;

/**
 * The resolved `train.eval` block: every how many steps FID-N of the EMA weights is computed (0 =
 * never), of how many samples, against which reference statistics, with which Inception weights,
 * and how the samples are drawn. None of it changes the weights: the keys are free to change
 * between a run and its resumption.
 */
public record EvalConfig(int every, int num, String ref, String inception, boolean ddpm, int steps, double cfgScale, int batch) {

    public static EvalConfig from(Config c) {
        try {
            EvalConfig e = new EvalConfig(c.getInt("train.eval.every"), c.getInt("train.eval.num"), c.getString("train.eval.ref"),
                    c.getString("train.eval.inception"), TrainConfig.ddpm("train.eval.sampler", c.getString("train.eval.sampler")), c.getInt("train.eval.steps"),
                    c.getDouble("train.eval.cfg-scale"), c.getInt("train.eval.batch"));
            e.validate();
            return e;
        } catch (ConfigException.WrongType e) {
            throw new ConfigError("train.eval", e.getMessage());
        }
    }

    private void validate() {
        if (every < 0) throw new ConfigError("train.eval.every", "train.eval.every must be 0 (off) or a positive number of steps, got " + every);
        if (num < 2) throw new ConfigError("train.eval.num", "train.eval.num must be at least 2 (a covariance needs two samples), got " + num);
        if (batch < 1) throw new ConfigError("train.eval.batch", "train.eval.batch must be a positive integer, got " + batch);
        if (cfgScale < 1) throw new ConfigError("train.eval.cfg-scale", "train.eval.cfg-scale must be >= 1 (1 = no guidance), got " + cfgScale);
        try {
            Respacing.steps(GaussianDiffusion.TRAINING_STEPS, String.valueOf(steps));
        } catch (IllegalArgumentException e) {
            throw new ConfigError("train.eval.steps", "train.eval.steps " + steps + " is not a respacing of 1000 steps: " + e.getMessage());
        }
        if (!enabled()) return;
        if (ref.isBlank()) {
            throw new ConfigError("train.eval.ref", "train.eval.every = " + every + " needs train.eval.ref: a reference batch .npz with mu, sigma, mu_s, sigma_s "
                    + "(ADM's, e.g. VIRTUAL_imagenet256_labeled.npz, or the output of lit fid-ref)");
        }
        if (inception.isBlank()) {
            throw new ConfigError("train.eval.inception", "train.eval.every = " + every + " needs train.eval.inception: the FID Inception weights "
                    + "(pytorch-fid's pt_inception-2015-12-05-6726825d.pth or ADM's classify_image_graph_def.pb)");
        }
    }

    public boolean enabled() {
        return every > 0;
    }

    /** Whether the run evaluates after this step: every `every` steps, and after the last one. */
    public boolean due(long step, long lastStep) {
        return enabled() && (step % every == 0 || step == lastStep);
    }

    /** How the samples are drawn: seeded by the run's seed; clipped as the data source's samplers are. */
    public Sampling sampling(long seed, boolean clipDenoised) {
        return new Sampling(ddpm, steps, cfgScale, clipDenoised, seed);
    }
}
