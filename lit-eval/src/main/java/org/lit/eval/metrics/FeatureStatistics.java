package org.lit.eval.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Mean and covariance of feature rows fed a batch at a time, never holding the rows: ADM's
 * compute_statistics ({@code mu = np.mean(acts, 0)}, {@code sigma = np.cov(acts, rowvar=False)}, ddof 1).
 *
 * <p>The state is the count n, the mean m and the co-moment C = sum (x - m)(x - m)^T, in double. A batch
 * joins as Chan, Golub and LeVeque's pairwise update: its own mean m_b and centred co-moment C_b (one
 * ND4J GEMM), then C = C_a + C_b + d d^T n_a n_b / n with d = m_b - m_a; {@link #merge} applies the same
 * formula to two partitions' states, so Spark tasks accumulate their rows and the driver merges exactly.
 * Sums of x and x x^T about a fixed shift would be cheaper to merge but subtract two large numbers at
 * the end (S2 - S1 S1^T / n), losing digits whenever the shift is far from the mean, and every
 * partition would have to agree on the shift beforehand; the centred update has neither problem.
 *
 * <p>ADM's mu is float32 (np.mean of float32 activations accumulates in float32, row after row) while its
 * sigma is float64. This mean is the exact one in double; ADM's float32 accumulation error moves FID by
 * ~1e-7 relative at a few thousand rows and ~1e-5 absolute at 50,000. {@link Float32Mean} reproduces
 * ADM's mean bit for bit from the rows in sample order, for when those digits have to match.
 */
public final class FeatureStatistics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int dim;
    private long count;
    private final double[] mean;
    /** C, [dim, dim] double; travels as a double[] (see writeObject). */
    private transient INDArray comoment;

    public FeatureStatistics(int dim) {
        if (dim <= 0) throw new IllegalArgumentException("feature dimension must be positive, got " + dim);
        this.dim = dim;
        this.mean = new double[dim];
        this.comoment = Nd4j.zeros(DataType.DOUBLE, dim, dim);
    }

    /** Adds a batch of rows, [rows, dim] of any floating type; returns this. */
    public FeatureStatistics add(INDArray batch) {
        if (batch.rank() != 2 || batch.size(1) != dim) {
            throw new IllegalArgumentException("feature batch has shape " + Arrays.toString(batch.shape()) + ", expected [rows, " + dim + "]");
        }
        long rows = batch.size(0);
        if (rows == 0) return this;
        INDArray x = batch.dataType() == DataType.DOUBLE ? batch.dup('c') : batch.castTo(DataType.DOUBLE);
        INDArray batchMean = x.mean(0);
        x.subiRowVector(batchMean);
        Nd4j.gemm(x, x, comoment, true, false, 1.0, 1.0);       // C += C_b
        join(rows, batchMean.toDoubleVector());
        return this;
    }

    /** Absorbs another partition's statistics into this one (exact in double, order-independent up to rounding); returns this. */
    public FeatureStatistics merge(FeatureStatistics other) {
        if (other.dim != dim) throw new IllegalArgumentException("cannot merge " + other.dim + "-d statistics into " + dim + "-d ones");
        if (other.count == 0) return this;
        comoment.addi(other.comoment);
        join(other.count, other.mean);
        return this;
    }

    /** The rest of the pairwise update once C_b is in C: the d d^T n_a n_b / n term, the mean and the count. */
    private void join(long countB, double[] meanB) {
        long n = count + countB;
        double[] delta = new double[dim];
        for (int i = 0; i < dim; i++) delta[i] = meanB[i] - mean[i];
        if (count > 0) {
            INDArray d = Nd4j.createFromArray(delta).reshape(1, dim);
            Nd4j.gemm(d, d, comoment, true, false, (double) count * countB / n, 1.0);
        }
        double share = (double) countB / n;
        for (int i = 0; i < dim; i++) mean[i] += delta[i] * share;
        count = n;
    }

    public long count() {
        return count;
    }

    public int dim() {
        return dim;
    }

    public double[] mean() {
        return mean.clone();
    }

    /** np.cov(acts, rowvar=False): the co-moment times 1/(n - 1), as numpy scales it. */
    public double[] covariance() {
        if (count < 2) throw new IllegalStateException("a covariance needs at least 2 rows, these statistics have " + count);
        return comoment.mul(1.0 / (count - 1)).data().asDouble();
    }

    public Gaussian gaussian() {
        return new Gaussian(mean(), covariance());
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeObject(comoment.data().asDouble());
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        comoment = Nd4j.create((double[]) in.readObject(), new long[] {dim, dim}, 'c');
    }
}
