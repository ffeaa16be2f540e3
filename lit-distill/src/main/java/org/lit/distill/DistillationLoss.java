package org.lit.distill;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * LiT's knowledge-distillation terms (REFERENCE.md 6.5) on top of the student's diffusion loss:
 * lambda1 x mean_flat((eps_T - eps_S)^2) + lambda2 x mean_flat((v_T - v_S)^2), where eps and v are
 * the two halves of the (N, 2C, H, W) outputs (v the raw learned-range variance output), averaged
 * over the batch; the teacher's output is a constant.
 */
public final class DistillationLoss {
    private DistillationLoss() {
    }

    /** Per-sample terms and the gradient of the weighted batch mean w.r.t. the student's output. */
    public record Terms(double[] kdEps, double[] kdVar, INDArray gradOutput) {
        public double meanKdEps() {
            return java.util.Arrays.stream(kdEps).average().orElseThrow();
        }

        public double meanKdVar() {
            return java.util.Arrays.stream(kdVar).average().orElseThrow();
        }
    }

    public static Terms compute(INDArray student, INDArray teacher, double lambda1, double lambda2) {
        long n = student.size(0), c = student.size(1) / 2, perSample = c * student.size(2) * student.size(3);
        INDArray diff = student.sub(teacher.castTo(student.dataType()));
        INDArray eps = diff.get(NDArrayIndex.all(), NDArrayIndex.interval(0, c), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray var = diff.get(NDArrayIndex.all(), NDArrayIndex.interval(c, 2 * c), NDArrayIndex.all(), NDArrayIndex.all());
        double[] kdEps = eps.mul(eps).sum(1, 2, 3).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).divi(perSample).toDoubleVector();
        double[] kdVar = var.mul(var).sum(1, 2, 3).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).divi(perSample).toDoubleVector();
        // d/dS of lambda * mean_i mean_flat((S - T)^2) = lambda * 2 (S - T) / (perSample * N)
        INDArray grad = diff.dup();
        grad.get(NDArrayIndex.all(), NDArrayIndex.interval(0, c), NDArrayIndex.all(), NDArrayIndex.all()).muli(2 * lambda1 / (perSample * n));
        grad.get(NDArrayIndex.all(), NDArrayIndex.interval(c, 2 * c), NDArrayIndex.all(), NDArrayIndex.all()).muli(2 * lambda2 / (perSample * n));
        return new Terms(kdEps, kdVar, grad);
    }
}
