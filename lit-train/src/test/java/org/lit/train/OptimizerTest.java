package org.lit.train;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.CpuKernels;
import org.lit.core.nn.ParameterSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW, clipping and EMA against torch.optim.AdamW, clip_grad_norm_ and DiT's update_ema (float64). */
class OptimizerTest {
    private final Map<String, INDArray> f = TensorFiles.read(Fixtures.file("adamw.npz"));

    @AfterEach
    void defaults() {
        System.clearProperty(CpuKernels.PROPERTY);
    }

    /** Four clipped steps of the fixture's gradients; returns {w, exp_avg, ema, frozen}. */
    private INDArray[] fourSteps(DataType type) {
        ParameterSet.Builder b = new ParameterSet.Builder();
        b.add("w", 64);
        b.add("frozen", false, 3);
        ParameterSet params = b.allocate(type);
        params.get("w").value().assign(f.get("p0"));
        params.get("frozen").value().assign(7.0);
        AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, 0.05);
        Ema ema = new Ema(params.values());
        INDArray grads = f.get("grads");
        for (int k = 0; k < 4; k++) {
            params.get("w").grad().assign(grads.getRow(k));
            double norm = GradientClipping.clip(params.grads(), 2.0);
            assertEquals(f.get("norms").getDouble(k), norm, type == DataType.DOUBLE ? 1e-12 : 1e-5);
            opt.step(1e-2);
            ema.update(params.values(), 0.9);
        }
        assertEquals(4, opt.steps());
        return new INDArray[] {params.get("w").value().castTo(DataType.DOUBLE), opt.expAvg().get(NDArrayIndex.interval(0, 64)).castTo(DataType.DOUBLE),
                ema.weights().get(NDArrayIndex.interval(0, 64)).castTo(DataType.DOUBLE), params.get("frozen").value().castTo(DataType.DOUBLE)};
    }

    private void assertMatchesPyTorch(INDArray[] r, double tolerance) {
        assertTrue(Fixtures.relativeError(r[0], f.get("final")) < tolerance);
        assertTrue(Fixtures.relativeError(r[1], f.get("exp_avg")) < tolerance);
        assertTrue(Fixtures.relativeError(r[2], f.get("ema")) < tolerance);
        assertEquals(7.0, r[3].getDouble(0), 0.0, "a frozen parameter is neither stepped nor decayed");
    }

    @Test
    void matchesPyTorchOverFourClippedSteps() {
        assertMatchesPyTorch(fourSteps(DataType.DOUBLE), 1e-12);
    }

    /** float32 runs the one-pass kernels on the CPU (67 entries: 8 whole vectors and a tail of 3); the ND4J path agrees. */
    @Test
    void fusedFloatUpdatesMatchTheOpByOpPath() {
        assertTrue(CpuKernels.vector("adamw"), "the test JVM runs the kernels");
        INDArray[] fused = fourSteps(DataType.FLOAT);
        System.setProperty(CpuKernels.PROPERTY, "portable");
        INDArray[] portable = fourSteps(DataType.FLOAT);
        assertMatchesPyTorch(fused, 1e-5);
        for (int i = 0; i < fused.length; i++) assertTrue(Fixtures.relativeError(fused[i], portable[i]) < 1e-6, "output " + i);
    }
}
