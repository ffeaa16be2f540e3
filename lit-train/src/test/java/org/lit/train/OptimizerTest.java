package org.lit.train;

import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.ParameterSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW, clipping and EMA against torch.optim.AdamW, clip_grad_norm_ and DiT's update_ema (float64). */
class OptimizerTest {
    @Test
    void matchesPyTorchOverFourClippedSteps() {
        Map<String, INDArray> f = TensorFiles.read(Fixtures.file("adamw.npz"));
        ParameterSet.Builder b = new ParameterSet.Builder();
        b.add("w", 64);
        b.add("frozen", false, 3);
        ParameterSet params = b.allocate(DataType.DOUBLE);
        params.get("w").value().assign(f.get("p0"));
        params.get("frozen").value().assign(7.0);
        AdamW opt = new AdamW(params, 0.9, 0.999, 1e-8, 0.05);
        Ema ema = new Ema(params.values());
        INDArray grads = f.get("grads");
        for (int k = 0; k < 4; k++) {
            params.get("w").grad().assign(grads.getRow(k));
            double norm = GradientClipping.clip(params.grads(), 2.0);
            assertEquals(f.get("norms").getDouble(k), norm, 1e-12);
            opt.step(1e-2);
            ema.update(params.values(), 0.9);
        }
        assertTrue(Fixtures.relativeError(params.get("w").value(), f.get("final")) < 1e-12);
        assertTrue(Fixtures.relativeError(opt.expAvg().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 64)), f.get("exp_avg")) < 1e-12);
        assertTrue(Fixtures.relativeError(ema.weights().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 64)), f.get("ema")) < 1e-12);
        assertEquals(7.0, params.get("frozen").value().getDouble(0), 0.0, "a frozen parameter is neither stepped nor decayed");
        assertEquals(4, opt.steps());
    }
}
