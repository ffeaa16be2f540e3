package org.lit.eval.metrics;

/** The statistics FID and sFID compare, as ADM's read_statistics returns them: pool_3 (mu, sigma) and spatial (mu_s, sigma_s). */
public record FidStatistics(Gaussian pool, Gaussian spatial) {
    public static FidStatistics of(FeatureStatistics pool, FeatureStatistics spatial) {
        return new FidStatistics(pool.gaussian(), spatial.gaussian());
    }
}
