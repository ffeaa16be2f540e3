package org.lit.distill;

import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.diffusion.MseWeighting;
import org.lit.core.diffusion.TrainingLoss;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hybrid loss against tools/reference/make_fixtures.py (distill_fixtures, float64): a tiny DiT
 * teacher and a tiny LiT student on the same x_t and t, the null class seen by both; within 1e-4.
 */
class DistillationLossTest {
    private static final Map<String, INDArray> F = TensorFiles.read(Fixtures.file("distill.npz"));
    private static final double TOLERANCE = 1e-4;

    private static int[] ints(String k) {
        return F.get(k).castTo(DataType.INT).toIntVector();
    }

    private static void close(INDArray actual, String key) {
        double err = Fixtures.relativeError(actual, F.get(key));
        assertTrue(err < TOLERANCE, key + " off by " + err);
    }

    private static DiffusionTransformer tiny(String kind) {
        DiffusionTransformer m = new DiffusionTransformer(Fixtures.tiny(kind), DataType.DOUBLE);
        m.parameters().load(TensorFiles.read(Fixtures.file(kind + "_tiny.pt")), kind + "_tiny.pt");
        return m;
    }

    @Test
    void termsTotalAndGradientMatchTheReference() {
        double lambda1 = F.get("lambdas").getDouble(0), lambda2 = F.get("lambdas").getDouble(1);
        int[] t = ints("t"), y = ints("y");
        INDArray xt = F.get("xt");
        Teacher teacher = new Teacher(Fixtures.tiny("dit"), TensorFiles.read(Fixtures.file("dit_tiny.pt")), "dit_tiny.pt");
        INDArray outTeacher = teacher.predict(xt, t, y);
        close(outTeacher, "out_teacher");
        INDArray outStudent = tiny("lit").forward(xt, t, y);
        close(outStudent, "out_student");

        DistillationLoss.Terms kd = DistillationLoss.compute(outStudent, outTeacher, lambda1, lambda2);
        close(Nd4j.createFromArray(kd.kdEps()), "kd_eps");
        close(Nd4j.createFromArray(kd.kdVar()), "kd_var");
        TrainingLoss.Terms base = TrainingLoss.compute(GaussianDiffusion.training(), outStudent, F.get("x0"), xt, t, F.get("noise"), MseWeighting.UNIFORM);
        double[] total = new double[t.length];
        for (int i = 0; i < t.length; i++) total[i] = base.loss()[i] + lambda1 * kd.kdEps()[i] + lambda2 * kd.kdVar()[i];
        close(Nd4j.createFromArray(total), "total");
        close(base.gradOutput().add(kd.gradOutput()), "grad_out");
        assertTrue(kd.meanKdEps() > 0.01 && kd.meanKdVar() > 0.01, "teacher and student differ, so the terms are live");
    }
}
