package org.lit.core.nn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU kernels against the portable ND4J path (what CUDA runs), both run here: same values within float rounding. */
class CpuKernelsTest {
    @AfterEach
    void defaults() {
        System.clearProperty(CpuKernels.PROPERTY);
    }

    /** Runs body with the portable path, then with the CPU kernels. */
    private static INDArray[][] bothPaths(Supplier<INDArray[]> body) {
        System.setProperty(CpuKernels.PROPERTY, "portable");
        INDArray[] portable = body.get();
        System.clearProperty(CpuKernels.PROPERTY);
        assertTrue(CpuKernels.enabled("dwc"), "the CPU backend runs the kernel");
        return new INDArray[][] {portable, body.get()};
    }

    private static void assertClose(INDArray[][] r, double tolerance, String what) {
        for (int i = 0; i < r[0].length; i++) {
            double scale = r[0][i].norm2Number().doubleValue() / Math.sqrt(r[0][i].length());
            double diff = r[0][i].sub(r[1][i]).amaxNumber().doubleValue();
            assertTrue(diff <= tolerance * Math.max(scale, 1e-3), what + " output " + i + ": max diff " + diff + " (rms " + scale + ")");
        }
    }

    @Test
    void depthwiseConvolutionForwardAndBackward() {
        INDArray[][] r = bothPaths(() -> {
            ParameterSet.Builder b = new ParameterSet.Builder();
            DepthwiseConv conv = new DepthwiseConv(b, "dwc", 3, 8, 5);
            ParameterSet p = b.allocate(DataType.FLOAT);
            p.initialize(7);
            Nd4j.getRandom().setSeed(3);
            INDArray x = Nd4j.randn(DataType.FLOAT, 2 * 36, 24);
            INDArray dy = Nd4j.randn(DataType.FLOAT, 2 * 36, 24);
            INDArray y = conv.forward(x, 2, true);
            INDArray dx = conv.backward(dy);
            return new INDArray[] {y, dx, conv.weight.grad().dup(), conv.bias.grad().dup()};
        });
        assertClose(r, 2e-6, "depthwise conv");     // 25 taps summed in another order: a few float roundings
    }
}
