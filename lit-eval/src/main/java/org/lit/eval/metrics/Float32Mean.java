package org.lit.eval.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * ADM's mu to the last bit: np.mean(acts, axis=0) of float32 activations adds the rows one after another
 * into a float32 accumulator (numpy sums pairwise only along the contiguous axis) and divides by n in
 * float32. Its rounding error grows with n: ~8e-6 relative per component at 50,000 rows, which moves FID
 * by ~1e-5 absolute, the fifth digit ADM prints. Only a single pass in sample order reproduces it (a
 * merge of partition sums would round differently), so this is fed on the driver, in order; the exact
 * mean of {@link FeatureStatistics} is the one to use when ADM's digits do not need matching. (ADM then
 * takes |mu1 - mu2|^2 of two float32 means in float32 too, through BLAS sdot, whose summation order is
 * the BLAS kernel's: that last ~1e-7 of the mean term is not reproducible, and is computed in double here.)
 */
public final class Float32Mean {
    private final float[] sum;
    private long count;

    public Float32Mean(int dim) {
        if (dim <= 0) throw new IllegalArgumentException("feature dimension must be positive, got " + dim);
        sum = new float[dim];
    }

    /** Adds the next rows, [rows, dim], in sample order; returns this. */
    public Float32Mean add(INDArray batch) {
        if (batch.rank() != 2 || batch.size(1) != sum.length) {
            throw new IllegalArgumentException("feature batch has shape " + Arrays.toString(batch.shape()) + ", expected [rows, " + sum.length + "]");
        }
        float[] x = batch.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < x.length; i += sum.length) {
            for (int j = 0; j < sum.length; j++) sum[j] += x[i + j];
        }
        count += batch.size(0);
        return this;
    }

    public double[] mean() {
        if (count == 0) throw new IllegalStateException("no rows were added");
        double[] mean = new double[sum.length];
        for (int j = 0; j < sum.length; j++) mean[j] = sum[j] / (float) count;
        return mean;
    }
}
