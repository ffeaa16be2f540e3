package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Elementwise activations with their derivatives. GELU is written out because ND4J's GELU is the
 * sigmoid approximation and its PreciseGELU is not tanh-GELU (REFERENCE.md, engine pitfall 1).
 */
public final class Activations {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_C = 0.044715;

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

    /** tanh-GELU: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); returns {y, tanh term}. */
    public static INDArray[] geluTanh(INDArray x) {
        INDArray inner = x.mul(x).muli(GELU_C).addi(1.0).muli(x).muli(SQRT_2_OVER_PI);
        INDArray t = Transforms.tanh(inner, false);
        INDArray y = t.add(1.0).muli(x).muli(0.5);
        return new INDArray[] {y, t};
    }

    /** dy * [0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)]. */
    public static INDArray geluTanhBackward(INDArray x, INDArray t, INDArray dy) {
        INDArray inner = x.mul(x).muli(3 * GELU_C).addi(1.0).muli(SQRT_2_OVER_PI);
        INDArray d = t.mul(t).rsubi(1.0).muli(inner).muli(x).addi(t).addi(1.0).muli(0.5);
        return d.muli(dy);
    }
}
