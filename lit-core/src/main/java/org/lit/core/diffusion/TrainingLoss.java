package org.lit.core.diffusion;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DiT's training loss for one batch: per sample, mse = w(t) * mean (noise - eps)^2 and vb = the KL
 * between the true posterior and the model's (mean from the detached eps, variance from v), in bits,
 * or the discretised-Gaussian decoder NLL at t = 0; loss = mse + vb, averaged over the batch. The
 * weight w(t) is 1 in DiT ({@link MseWeighting#UNIFORM}).
 *
 * <p>The network has no autodiff, so this also returns d(batch-mean loss)/d(model output): the mse
 * term reaches only eps, the vb term only v (through the learned log-variance), as in the reference.
 * Evaluated in double on the host; the tensors are a few hundred KB per step.
 */
public final class TrainingLoss {
    private static final double LN2 = Math.log(2.0);
    private static final double BIN = 1.0 / 255.0;
    private static final double K = Math.sqrt(2.0 / Math.PI);

    /** Per-sample terms and the gradient of their batch mean with respect to the model output. */
    public record Terms(double[] mse, double[] vb, double[] loss, INDArray gradOutput) {
        public double meanLoss() {
            return mean(loss);
        }

        public double meanMse() {
            return mean(mse);
        }

        public double meanVb() {
            return mean(vb);
        }

        private static double mean(double[] v) {
            double s = 0;
            for (double x : v) s += x;
            return s / v.length;
        }
    }

    private TrainingLoss() {
    }

    /**
     * @param out   model output (N, 2C, H, W): eps then v
     * @param x0    clean samples (N, C, H, W)
     * @param xt    q_sample(x0, t, noise)
     * @param noise the noise that made xt
     * @param weighting the mse term's weight per timestep
     */
    public static Terms compute(GaussianDiffusion d, INDArray out, INDArray x0, INDArray xt, int[] t, INDArray noise, MseWeighting weighting) {
        int n = (int) x0.size(0);
        int per = (int) (x0.length() / n);
        double[] o = out.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] x0v = x0.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] xtv = xt.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] nz = noise.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] grad = new double[o.length];
        double[] mse = new double[n], vb = new double[n], loss = new double[n];
        for (int i = 0; i < n; i++) {
            int ti = t[i];
            double minLog = d.posteriorLogVarianceClipped[ti], maxLog = d.logBetas[ti];
            double c1 = d.posteriorCoef1(ti), c2 = d.posteriorCoef2(ti);
            double recip = d.sqrtRecipAlphasCumprod(ti), recipM1 = d.sqrtRecipM1AlphasCumprod(ti);
            double w = weighting.at(d, ti);
            double sumSq = 0, sumTerm = 0;
            for (int j = 0; j < per; j++) {
                int e = i * 2 * per + j, v = e + per, x = i * per + j;
                double eps = o[e];
                sumSq += (nz[x] - eps) * (nz[x] - eps);
                grad[e] = w * 2 * (eps - nz[x]) / per / n;

                double logVar = (o[v] + 1) / 2 * maxLog + (1 - (o[v] + 1) / 2) * minLog;
                double dLogVarDv = (maxLog - minLog) / 2;
                double modelMean = c1 * (recip * xtv[x] - recipM1 * eps) + c2 * xtv[x];
                double dTermDLogVar;
                if (ti == 0) {
                    double[] nll = decoderNll(x0v[x], modelMean, 0.5 * logVar);
                    sumTerm += nll[0];
                    dTermDLogVar = 0.5 * nll[1];
                } else {
                    double trueMean = c1 * x0v[x] + c2 * xtv[x];
                    double diff2 = (trueMean - modelMean) * (trueMean - modelMean);
                    sumTerm += 0.5 * (-1 + logVar - minLog + Math.exp(minLog - logVar) + diff2 * Math.exp(-logVar));
                    dTermDLogVar = 0.5 * (1 - Math.exp(minLog - logVar) - diff2 * Math.exp(-logVar));
                }
                grad[v] = dTermDLogVar * dLogVarDv / LN2 / per / n;
            }
            mse[i] = w * sumSq / per;
            vb[i] = sumTerm / per / LN2;
            loss[i] = mse[i] + vb[i];
        }
        INDArray g = Nd4j.create(grad, out.shape(), 'c').castTo(out.dataType());
        return new Terms(mse, vb, loss, g);
    }

    /**
     * -log P(x0) under a Gaussian (mean, exp(logScale)) discretised to bins of 2/255, with the edge
     * bins open, as the reference's discretized_gaussian_log_likelihood (clamps at 1e-12); returns
     * {nll, d nll / d logScale}.
     */
    static double[] decoderNll(double x0, double mean, double logScale) {
        double inv = Math.exp(-logScale);
        double plus = inv * (x0 - mean + BIN), minus = inv * (x0 - mean - BIN);
        double cdfPlus = cdf(plus), cdfMinus = cdf(minus);
        // d u / d logScale = -u for u = inv * (...)
        double value, dValue;
        if (x0 < -0.999) {
            value = Math.log(Math.max(cdfPlus, 1e-12));
            dValue = cdfPlus > 1e-12 ? pdf(plus) * -plus / cdfPlus : 0;
        } else if (x0 > 0.999) {
            double tail = 1 - cdfMinus;
            value = Math.log(Math.max(tail, 1e-12));
            dValue = tail > 1e-12 ? pdf(minus) * minus / tail : 0;
        } else {
            double delta = cdfPlus - cdfMinus;
            value = Math.log(Math.max(delta, 1e-12));
            dValue = delta > 1e-12 ? (pdf(plus) * -plus - pdf(minus) * -minus) / delta : 0;
        }
        return new double[] {-value, -dValue};
    }

    /** The reference's tanh approximation of the standard normal CDF. */
    private static double cdf(double x) {
        return 0.5 * (1 + Math.tanh(K * (x + 0.044715 * x * x * x)));
    }

    private static double pdf(double x) {
        double th = Math.tanh(K * (x + 0.044715 * x * x * x));
        return 0.5 * (1 - th * th) * K * (1 + 3 * 0.044715 * x * x);
    }
}
