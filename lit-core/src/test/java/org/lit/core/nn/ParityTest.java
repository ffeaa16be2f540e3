package org.lit.core.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DiT and LiT in float32 against the PyTorch reference (tools/reference/dit_reference.py), whose
 * outputs and gradients were computed in float64 from the same float32 weights. A float64 Java run
 * is no tighter a test: both sides build the timestep embedding in float32 as the reference does,
 * and an ulp of difference between PyTorch's and Java's exp/cos, times t = 999, reaches 1e-5.
 * GradientCheckTest checks the float64 backward against finite differences instead.
 */
class ParityTest {
    private static final double FLOAT32_TOLERANCE = 1e-4;

    private static DiffusionTransformer load(String kind, DataType dtype, String ext) {
        DiffusionTransformer model = new DiffusionTransformer(Fixtures.tiny(kind), dtype);
        model.parameters().load(TensorFiles.read(Fixtures.file(kind + "_tiny." + ext)), kind + "_tiny." + ext);
        return model;
    }

    private static Map<String, INDArray> io(String kind) {
        return TensorFiles.read(Fixtures.file(kind + "_tiny_io.npz"));
    }

    private static int[] ints(INDArray a) {
        return a.castTo(DataType.INT).toIntVector();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dit", "lit"})
    void forwardMatchesPyTorch(String kind) {
        Map<String, INDArray> io = io(kind);
        for (String ext : new String[] {"pt", "safetensors"}) {
            DiffusionTransformer m = load(kind, DataType.FLOAT, ext);
            INDArray out = m.forward(io.get("x"), ints(io.get("t")), ints(io.get("y")));
            assertArrayEquals(new long[] {4, 8, 8, 8}, out.shape());
            double err = Fixtures.relativeError(out, io.get("out"));
            assertTrue(err < FLOAT32_TOLERANCE, kind + "/" + ext + " float32 forward error " + err);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dit", "lit"})
    void guidedForwardMatchesPyTorch(String kind) {
        Map<String, INDArray> io = io(kind);
        DiffusionTransformer m = load(kind, DataType.FLOAT, "safetensors");
        INDArray out = m.forwardWithCfg(io.get("x"), ints(io.get("t")), ints(io.get("y_cfg")), io.get("cfg_scale").getDouble(0));
        double err = Fixtures.relativeError(out, io.get("out_cfg"));
        assertTrue(err < FLOAT32_TOLERANCE, kind + " guided forward error " + err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dit", "lit"})
    void gradientsMatchPyTorch(String kind) {
        Map<String, INDArray> io = io(kind);
        Map<String, INDArray> expected = TensorFiles.read(Fixtures.file(kind + "_tiny_grads.npz"));
        DiffusionTransformer m = load(kind, DataType.FLOAT, "pt");
        m.parameters().zeroGrads();
        m.forwardForTraining(io.get("x"), ints(io.get("t")), ints(io.get("y")));
        m.backward(io.get("upstream"));
        Map<String, INDArray> grads = m.parameters().gradMap();
        assertEquals(expected.keySet(), grads.keySet());
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            double err = Fixtures.relativeError(grads.get(e.getKey()), e.getValue());
            assertTrue(err < FLOAT32_TOLERANCE, kind + " gradient of " + e.getKey() + " off by " + err);
        }
    }
}
