package org.lit.core.diffusion;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * DiT's Gaussian diffusion (REFERENCE.md section 2): linear betas over T = 1000 steps, epsilon
 * prediction, learned-range variance, optionally respaced. Every table is computed in double and
 * cast to the sample's type where it is used, as the reference's _extract_into_tensor does.
 * Timesteps given to methods are indices into this (possibly respaced) schedule; the network is
 * called with {@link #originalTimestep}.
 */
public final class GaussianDiffusion {
    public static final int TRAINING_STEPS = 1000;

    final double[] betas;
    final double[] alphasCumprod;
    final double[] alphasCumprodPrev;
    final double[] posteriorVariance;
    final double[] posteriorLogVarianceClipped;
    final double[] logBetas;
    private final double[] sqrtAlphasCumprod;
    private final double[] sqrtOneMinusAlphasCumprod;
    private final double[] sqrtRecipAlphasCumprod;
    private final double[] sqrtRecipM1AlphasCumprod;
    private final double[] posteriorCoef1;
    private final double[] posteriorCoef2;
    private final int[] timestepMap;

    /** The training schedule, all 1000 steps. */
    public static GaussianDiffusion training() {
        return respaced("");
    }

    /** create_diffusion(spec): "" for all steps, "250", "ddim25", "10,5". */
    public static GaussianDiffusion respaced(String spec) {
        double[] base = linearBetas(TRAINING_STEPS);
        int[] keep = Respacing.steps(TRAINING_STEPS, spec);
        double[] cumprod = cumprod(base);
        double[] betas = new double[keep.length];
        double last = 1.0;
        for (int i = 0; i < keep.length; i++) {
            betas[i] = 1 - cumprod[keep[i]] / last;
            last = cumprod[keep[i]];
        }
        return new GaussianDiffusion(keep.length == TRAINING_STEPS ? base : betas, keep);
    }

    static double[] linearBetas(int steps) {
        double scale = 1000.0 / steps, start = scale * 0.0001, end = scale * 0.02;
        double[] b = new double[steps];
        for (int i = 0; i < steps; i++) b[i] = steps == 1 ? start : start + (end - start) * i / (steps - 1);
        return b;
    }

    private GaussianDiffusion(double[] betas, int[] timestepMap) {
        int n = betas.length;
        this.betas = betas;
        this.timestepMap = timestepMap;
        alphasCumprod = cumprod(betas);
        alphasCumprodPrev = new double[n];
        sqrtAlphasCumprod = new double[n];
        sqrtOneMinusAlphasCumprod = new double[n];
        sqrtRecipAlphasCumprod = new double[n];
        sqrtRecipM1AlphasCumprod = new double[n];
        posteriorVariance = new double[n];
        posteriorLogVarianceClipped = new double[n];
        posteriorCoef1 = new double[n];
        posteriorCoef2 = new double[n];
        logBetas = new double[n];
        for (int i = 0; i < n; i++) {
            double ac = alphasCumprod[i], prev = i == 0 ? 1.0 : alphasCumprod[i - 1];
            alphasCumprodPrev[i] = prev;
            sqrtAlphasCumprod[i] = Math.sqrt(ac);
            sqrtOneMinusAlphasCumprod[i] = Math.sqrt(1.0 - ac);
            sqrtRecipAlphasCumprod[i] = Math.sqrt(1.0 / ac);
            sqrtRecipM1AlphasCumprod[i] = Math.sqrt(1.0 / ac - 1);
            posteriorVariance[i] = betas[i] * (1.0 - prev) / (1.0 - ac);
            posteriorCoef1[i] = betas[i] * Math.sqrt(prev) / (1.0 - ac);
            posteriorCoef2[i] = (1.0 - prev) * Math.sqrt(1.0 - betas[i]) / (1.0 - ac);
            logBetas[i] = Math.log(betas[i]);
        }
        // The posterior variance is 0 at t = 0; the reference clips its log with entry 1.
        for (int i = 0; i < n; i++) posteriorLogVarianceClipped[i] = Math.log(posteriorVariance[i == 0 && n > 1 ? 1 : i]);
    }

    private static double[] cumprod(double[] betas) {
        double[] out = new double[betas.length];
        double p = 1.0;
        for (int i = 0; i < betas.length; i++) out[i] = p *= 1.0 - betas[i];
        return out;
    }

    double posteriorCoef1(int t) {
        return posteriorCoef1[t];
    }

    double posteriorCoef2(int t) {
        return posteriorCoef2[t];
    }

    double sqrtRecipAlphasCumprod(int t) {
        return sqrtRecipAlphasCumprod[t];
    }

    double sqrtRecipM1AlphasCumprod(int t) {
        return sqrtRecipM1AlphasCumprod[t];
    }

    public int numTimesteps() {
        return betas.length;
    }

    /** The original (0..999) timestep the network sees for schedule index t. */
    public int originalTimestep(int t) {
        return timestepMap[t];
    }

    public int[] originalTimesteps(int[] t) {
        int[] out = new int[t.length];
        for (int i = 0; i < t.length; i++) out[i] = timestepMap[t[i]];
        return out;
    }

    /** table[t_i] for every sample. */
    static double[] at(double[] table, int[] t) {
        double[] v = new double[t.length];
        for (int i = 0; i < t.length; i++) v[i] = table[t[i]];
        return v;
    }

    /** table[t_i] per sample, cast to dtype, as a (N) vector for broadcasting along dimension 0. */
    static INDArray gather(double[] table, int[] t, DataType dtype) {
        return Nd4j.createFromArray(at(table, t)).castTo(dtype);
    }

    /** out = v_i * x_i per sample, v cast to x's type first (the reference's _extract_into_tensor). */
    static INDArray perSample(double[] v, INDArray x) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        return Broadcast.mul(x, Nd4j.createFromArray(v).castTo(x.dataType()), out, 0);
    }

    /** out = coef[t_i] * x per sample. */
    static INDArray scale(double[] table, int[] t, INDArray x) {
        return perSample(at(table, t), x);
    }

    /** x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) noise. */
    public INDArray qSample(INDArray x0, int[] t, INDArray noise) {
        return scale(sqrtAlphasCumprod, t, x0).addi(scale(sqrtOneMinusAlphasCumprod, t, noise));
    }

    /** Mean of q(x_{t-1} | x_t, x0). */
    public INDArray posteriorMean(INDArray x0, INDArray xt, int[] t) {
        return scale(posteriorCoef1, t, x0).addi(scale(posteriorCoef2, t, xt));
    }

    /** log of the clipped posterior variance, broadcast to x's shape. */
    public INDArray posteriorLogVariance(int[] t, INDArray like) {
        return broadcastTable(posteriorLogVarianceClipped, t, like);
    }

    static INDArray broadcastTable(double[] table, int[] t, INDArray like) {
        INDArray out = Nd4j.zeros(like.dataType(), like.shape());
        return Broadcast.add(out, gather(table, t, like.dataType()), out, 0);
    }

    /**
     * The model's distribution p(x_{t-1} | x_t) from a (N, 2C, H, W) output: learned-range variance.
     * With clipDenoised the x0 estimate is clamped to [-1, 1] before the posterior mean, as the
     * reference's clip_denoised (meant for pixel space; DiT samples latents unclipped).
     */
    public Prediction predict(INDArray modelOutput, INDArray xt, int[] t, boolean clipDenoised) {
        long c = xt.size(1);
        INDArray eps = modelOutput.get(NDArrayIndex.all(), NDArrayIndex.interval(0, c), NDArrayIndex.all(), NDArrayIndex.all()).dup();
        INDArray v = modelOutput.get(NDArrayIndex.all(), NDArrayIndex.interval(c, 2 * c), NDArrayIndex.all(), NDArrayIndex.all()).dup();
        INDArray minLog = broadcastTable(posteriorLogVarianceClipped, t, xt);
        INDArray maxLog = broadcastTable(logBetas, t, xt);
        INDArray frac = v.add(1.0).divi(2.0);
        INDArray logVariance = frac.mul(maxLog).addi(frac.rsub(1.0).muli(minLog));
        INDArray x0 = scale(sqrtRecipAlphasCumprod, t, xt).subi(scale(sqrtRecipM1AlphasCumprod, t, eps));
        if (clipDenoised) Transforms.min(Transforms.max(x0, -1.0, false), 1.0, false);
        return new Prediction(posteriorMean(x0, xt, t), logVariance, x0, eps);
    }

    /** Mean, log-variance, x0 estimate and epsilon of one model evaluation. */
    public record Prediction(INDArray mean, INDArray logVariance, INDArray x0, INDArray eps) {
    }

    /** One ancestral (DDPM) step: mean + [t != 0] exp(logvar / 2) z. */
    public INDArray ddpmStep(INDArray modelOutput, INDArray xt, int[] t, INDArray z, boolean clipDenoised) {
        Prediction p = predict(modelOutput, xt, t, clipDenoised);
        INDArray std = Transforms.exp(p.logVariance().mul(0.5), false);
        double[] nonZero = new double[t.length];
        for (int i = 0; i < t.length; i++) nonZero[i] = t[i] != 0 ? 1 : 0;
        return perSample(nonZero, std.muli(z)).addi(p.mean());
    }

    /** One DDIM step (eta = 0 is deterministic; z is used only when eta > 0). */
    public INDArray ddimStep(INDArray modelOutput, INDArray xt, int[] t, double eta, INDArray z, boolean clipDenoised) {
        Prediction p = predict(modelOutput, xt, t, clipDenoised);
        INDArray eps = scale(sqrtRecipAlphasCumprod, t, xt).subi(p.x0());
        eps = Broadcast.div(eps, gather(sqrtRecipM1AlphasCumprod, t, xt.dataType()), eps, 0);
        double[] sigma = new double[t.length];
        double[] prevCoef = new double[t.length];
        double[] epsCoef = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            double ab = alphasCumprod[t[i]], abPrev = alphasCumprodPrev[t[i]];
            double s = eta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(1 - ab / abPrev);
            sigma[i] = t[i] != 0 ? s : 0;
            prevCoef[i] = Math.sqrt(abPrev);
            epsCoef[i] = Math.sqrt(1 - abPrev - s * s);
        }
        INDArray out = perSample(prevCoef, p.x0()).addi(perSample(epsCoef, eps));
        if (eta > 0) out.addi(perSample(sigma, z));
        return out;
    }

}
