package org.lit.eval.metrics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.ArrayList;
import java.util.List;

/**
 * The Frechet distance between two Gaussians, ADM's FIDStatistics.frechet_distance:
 * {@code |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr sqrtm(S1 S2)}, with the trace of the square root
 * computed in double through symmetric matrices only (REFERENCE.md 7.3).
 *
 * <p>Write S1 = F F^T. Then S1 S2 = F (F^T S2) is similar (on its non-zero spectrum) to M = F^T S2 F,
 * which is symmetric positive semi-definite, so tr sqrtm(S1 S2) = sum of sqrt(eigenvalues of M). F is
 * S1's Cholesky factor when S1 is positive definite (~10 s at 2048-d on 2 cores); when the Cholesky
 * decomposition fails (S1 singular: fewer rows than dimensions) F is the Cholesky factor with diagonal
 * pivoting, d x r, stopped where the largest remaining pivot falls below LAPACK's rank tolerance
 * d eps max(diag S1) (dpstrf's): what remains is rounding noise of exact zeros, whose square roots (~1e-8
 * each) would add up to ~1e-5 of FID over hundreds of null directions. That costs O(d^2 r), and M is
 * r x r: milliseconds for a handful of samples, where an eigen-decomposition of S1 takes ~10 s at 2048-d.
 * Eigenvalues of M below zero are rounding noise too and count as zero, which is what ADM's
 * {@code covmean.real} does with the imaginary square roots scipy returns for them.
 *
 * <p>How ADM relates: scipy's Schur-based sqrtm of the non-symmetric product carries its own rounding
 * noise, ~1e-13 relative for full-rank covariances and up to ~1e-6 relative (its null directions) for
 * singular ones, where this route gives the exact value. ADM retries with 1e-6 added to both diagonals
 * only when that sqrtm returns non-finite numbers, which this route never produces, so no offset is ever
 * added here (the offset would bias the trace by about 1e-3 sqrt(lambda) per direction where one
 * covariance is singular and the other is not). ADM raises "Imaginary component" when the square root's
 * diagonal has an imaginary part above 1e-3: the analogue here is an eigenvalue of M below -1e-6
 * (square root above 1e-3 in magnitude), which means the inputs are not covariances.
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    public static double between(Gaussian a, Gaussian b) {
        int d = a.dim();
        if (b.dim() != d) throw new IllegalArgumentException("Gaussians of different dimensions: " + d + " and " + b.dim());
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = a.mean()[i] - b.mean()[i];
            meanTerm += diff * diff;
        }
        return meanTerm + trace(a.covariance(), d) + trace(b.covariance(), d) - 2 * traceSqrtProduct(a.covariance(), b.covariance(), d);
    }

    /** tr sqrtm(S1 S2) for symmetric positive semi-definite S1, S2 (row-major d x d). */
    static double traceSqrtProduct(double[] s1, double[] s2, int d) {
        DMatrixRMaj f = factor(s1, d);
        DMatrixRMaj ft = new DMatrixRMaj(f.numCols, d);
        CommonOps_MT_DDRM.multTransA(f, DMatrixRMaj.wrap(d, d, s2), ft);
        DMatrixRMaj m = new DMatrixRMaj(f.numCols, f.numCols);
        CommonOps_MT_DDRM.mult(ft, f, m);
        symmetrize(m);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m.numRows, false, true);
        if (!eig.decompose(m)) throw new IllegalStateException("the eigenvalues of F^T S2 F did not converge (" + m.numRows + "x" + m.numRows + ")");
        double sum = 0;
        for (int i = 0; i < eig.getNumberOfEigenvalues(); i++) {
            double lambda = eig.getEigenvalue(i).real;
            if (lambda < -1e-6) {
                throw new IllegalArgumentException("sqrtm(sigma1 sigma2) has an imaginary component (eigenvalue " + lambda
                        + " of the product): the covariances are not positive semi-definite");
            }
            if (lambda > 0) sum += Math.sqrt(lambda);
        }
        return sum;
    }

    /** F with S = F F^T: the lower Cholesky factor (d x d), or the pivoted one over S's numerically non-zero pivots (d x r). */
    private static DMatrixRMaj factor(double[] s, int d) {
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(d, true);
        if (chol.decompose(new DMatrixRMaj(d, d, true, s))) return chol.getT(null);
        return pivotedCholesky(s, d);
    }

    /**
     * Cholesky with diagonal pivoting of a positive semi-definite S (row-major d x d): at each step the
     * largest diagonal entry of the Schur complement is the pivot, until it is below d eps max(diag S).
     * Returns F (d x r, rows in S's order) with S = F F^T up to that tolerance.
     */
    static DMatrixRMaj pivotedCholesky(double[] s, int d) {
        double[] a = s.clone();                              // the Schur complement, updated in place
        int[] order = new int[d];
        double largest = 0;
        for (int i = 0; i < d; i++) {
            order[i] = i;
            largest = Math.max(largest, s[i * d + i]);
        }
        double tolerance = d * Math.ulp(1.0) * largest;
        List<double[]> columns = new ArrayList<>();
        for (int k = 0; k < d; k++) {
            int best = k;
            for (int i = k + 1; i < d; i++) if (a[order[i] * d + order[i]] > a[order[best] * d + order[best]]) best = i;
            int p = order[best];
            if (!(a[p * d + p] > tolerance)) break;
            order[best] = order[k];
            order[k] = p;
            double pivot = Math.sqrt(a[p * d + p]);
            double[] column = new double[d];
            column[p] = pivot;
            for (int i = k + 1; i < d; i++) column[order[i]] = a[order[i] * d + p] / pivot;
            for (int i = k + 1; i < d; i++) {
                int row = order[i];
                double c = column[row];
                if (c == 0) continue;
                for (int j = k + 1; j < d; j++) a[row * d + order[j]] -= c * column[order[j]];
            }
            columns.add(column);
        }
        DMatrixRMaj f = new DMatrixRMaj(d, columns.size());
        for (int k = 0; k < columns.size(); k++) {
            for (int r = 0; r < d; r++) f.unsafe_set(r, k, columns.get(k)[r]);
        }
        return f;
    }

    private static void symmetrize(DMatrixRMaj m) {
        int n = m.numRows;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = 0.5 * (m.unsafe_get(i, j) + m.unsafe_get(j, i));
                m.unsafe_set(i, j, v);
                m.unsafe_set(j, i, v);
            }
        }
    }

    private static double trace(double[] s, int d) {
        double t = 0;
        for (int i = 0; i < d; i++) t += s[i * d + i];
        return t;
    }
}
