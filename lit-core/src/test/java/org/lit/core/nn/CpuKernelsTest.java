package org.lit.core.nn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU kernels against the portable ND4J path (what CUDA runs), both run here: same values within
 * float rounding (the vector kernels' exp is a polynomial of our own: within 2 ulp).
 */
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
        assertTrue(CpuKernels.vector("dwc"), "the CPU backend runs the kernels: the test JVM has the Vector API module (surefire's argLine)");
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

    @Test
    void geluForwardAndBackward() {
        INDArray[][] r = bothPaths(() -> {
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.randn(DataType.FLOAT, 37, 56).muli(3);
            INDArray[] ys = Activations.geluTanh(x);
            INDArray dx = Activations.geluTanhBackward(x, ys[1], Nd4j.randn(DataType.FLOAT, 37, 56));
            return new INDArray[] {ys[0], dx};
        });
        assertClose(r, 1e-6, "tanh-GELU");
    }

    @Test
    void modulatedNormForwardAndBackward() {
        long batch = 3, tokens = 7, dim = 48;
        INDArray[][] r = bothPaths(() -> {
            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.randn(DataType.FLOAT, batch * tokens, dim).muli(2).addi(0.5);
            // shift and scale as the block gets them: strided chunks of one (B, 6D) adaLN output
            INDArray mod = Nd4j.randn(DataType.FLOAT, batch, 6 * dim);
            INDArray shift = mod.get(NDArrayIndex.all(), NDArrayIndex.interval(dim, 2 * dim));
            INDArray scale = mod.get(NDArrayIndex.all(), NDArrayIndex.interval(4 * dim, 5 * dim));
            INDArray dOut = Nd4j.randn(DataType.FLOAT, batch * tokens, dim);
            INDArray residual = Nd4j.randn(DataType.FLOAT, batch * tokens, dim);
            ModulatedNorm norm = new ModulatedNorm();
            INDArray y = norm.forward(x, shift, scale, true);
            INDArray[] d = norm.backward(dOut, residual);
            INDArray inference = new ModulatedNorm().forward(x, shift, scale, false);
            return new INDArray[] {y, d[0], d[1], d[2], inference};
        });
        assertClose(r, 1e-5, "modulated LayerNorm");
    }

    @Test
    void gatedResidualForwardAndBackward() {
        INDArray[][] r = bothPaths(() -> {
            Nd4j.getRandom().setSeed(17);
            INDArray x = Nd4j.randn(DataType.FLOAT, 3 * 5, 24), branch = Nd4j.randn(DataType.FLOAT, 3 * 5, 24);
            INDArray gate = Nd4j.randn(DataType.FLOAT, 3, 6 * 24).get(NDArrayIndex.all(), NDArrayIndex.interval(48, 72));
            INDArray[] d = Tokens.gatedResidualBackward(Nd4j.randn(DataType.FLOAT, 3 * 5, 24), branch, gate);
            return new INDArray[] {Tokens.gatedResidual(x, branch, gate), d[0], d[1]};
        });
        assertClose(r, 1e-6, "gated residual");
    }

    @Test
    void linearAttentionHeadsSplitAndMerged() {
        assertClose(bothPaths(() -> AttentionStep.run(b -> new LinearAttention(b, "attn", 48, 3, 5), 16)), 1e-5, "linear attention");
    }

    @Test
    void softmaxAttentionForwardAndBackward() {
        assertClose(bothPaths(() -> AttentionStep.run(b -> new SoftmaxAttention(b, "attn", 48, 3), 16)), 1e-5, "softmax attention");
    }

    @Test
    void biasGradientColumnSums() {
        INDArray[][] r = bothPaths(() -> {
            Nd4j.getRandom().setSeed(13);
            INDArray flat = Nd4j.randn(DataType.FLOAT, 1, 100);
            INDArray grad = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(20, 60));   // a bias gradient: a view into the flat buffer
            Tokens.addColumnSums(Nd4j.randn(DataType.FLOAT, 70, 40), grad);
            return new INDArray[] {flat.dup()};
        });
        assertClose(r, 1e-6, "column sums");
    }
}
