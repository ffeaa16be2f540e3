package org.lit.eval.metrics;

/**
 * The mean and covariance of one image set's features: what ADM's FIDStatistics holds (mu, sigma).
 * The covariance is row-major, dim x dim.
 */
public record Gaussian(double[] mean, double[] covariance) {
    public Gaussian {
        if (mean.length == 0) throw new IllegalArgumentException("a Gaussian needs at least one dimension");
        if (covariance.length != (long) mean.length * mean.length) {
            throw new IllegalArgumentException("covariance has " + covariance.length + " entries, a " + mean.length + "-d mean needs "
                    + (long) mean.length * mean.length);
        }
    }

    public int dim() {
        return mean.length;
    }

    /** This covariance with another mean of the same rows (ADM's float32 one, {@link Float32Mean}). */
    public Gaussian withMean(double[] otherMean) {
        if (otherMean.length != mean.length) throw new IllegalArgumentException("a " + otherMean.length + "-d mean for a " + mean.length + "-d Gaussian");
        return new Gaussian(otherMean, covariance);
    }
}
