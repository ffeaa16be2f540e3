package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Elementwise activations with their derivatives. GELU is written out because ND4J's GELU is the
 * sigmoid approximation and its PreciseGELU is not tanh-GELU (REFERENCE.md, engine pitfall 1). On
 * the CPU, tanh-GELU and its gradient are one pass each ({@link VectorKernels}).
 */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_C = 0.044715;
    private static final String GELU = "gelu";

    private Activations() {
    }

    public static INDArray silu(INDArray x) {
        return Transforms.sigmoid(x, true).muli(x);
    }

    /** d silu(x)/dx * dy = dy * s * (1 + x * (1 - s)), s = sigmoid(x). */
    public static INDArray siluBackward(INDArray x, INDArray dy) {
        INDArray s = Transforms.sigmoid(x, true);
        INDArray d = s.rsub(1.0).muli(x).addi(1.0).muli(s);
        return d.muli(dy);
    }

    /**
     * tanh-GELU: 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3), computed as x * sigmoid(2u)
     * (the same function: 0.5 (1 + tanh(u)) = sigmoid(2u)) in six ND4J passes where the tanh form
     * takes nine; returns {y, sigmoid(2u)}. The CPU kernel returns {y, null}: its backward
     * recomputes sigmoid(2u) from x, cheaper than keeping a hidden-sized array per block.
     */
    public static INDArray[] geluTanh(INDArray x) {
        if (CpuKernels.vector(GELU) && NativeRows.usable(x)) {
            INDArray y = Nd4j.createUninitialized(x.dataType(), x.shape());
            VectorKernels.geluTanh(NativeRows.flat(x), NativeRows.flat(y));
            return new INDArray[] {y, null};
        }
        INDArray s = Transforms.sigmoid(x.mul(x).muli(2 * SQRT_2_OVER_PI * GELU_C).addi(2 * SQRT_2_OVER_PI).muli(x), false);
        return new INDArray[] {s.mul(x), s};
    }

    /** dy * [s + x s (1 - s) 2 sqrt(2/pi) (1 + 3 * 0.044715 x^2)], s = sigmoid(2u) as the forward returned it (null: recomputed). */
    public static INDArray geluTanhBackward(INDArray x, INDArray s, INDArray dy) {
        if (s == null) {
            INDArray dx = Nd4j.createUninitialized(x.dataType(), x.shape());
            VectorKernels.geluTanhBackward(NativeRows.flat(x), NativeRows.flat(dy), NativeRows.flat(dx));
            return dx;
        }
        INDArray d = x.mul(x).muli(2 * SQRT_2_OVER_PI * 3 * GELU_C).addi(2 * SQRT_2_OVER_PI).muli(x);
        return d.muli(s.rsub(1.0).muli(s)).addi(s).muli(dy);
    }
}
