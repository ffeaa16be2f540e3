package org.lit.core.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** tanh-GELU as x * sigmoid(2u) against PyTorch's tanh form and its derivative, in double, over the float range that matters. */
class ActivationsTest {
    private static final double K = Math.sqrt(2 / Math.PI), C = 0.044715;

    private static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(K * (x + C * x * x * x)));
    }

    @Test
    void tanhGeluAndItsGradient() {
        double[] xs = new double[801];
        for (int i = 0; i < xs.length; i++) xs[i] = -10 + 0.025 * i;
        INDArray x = Nd4j.createFromArray(xs).castTo(DataType.FLOAT).reshape(1, xs.length);
        INDArray[] y = Activations.geluTanh(x);
        INDArray dx = Activations.geluTanhBackward(x, y[1], Nd4j.ones(DataType.FLOAT, 1, xs.length));
        for (int i = 0; i < xs.length; i++) {
            double v = x.getDouble(0, i), h = 1e-5;
            assertEquals(gelu(v), y[0].getDouble(0, i), 1e-6 * Math.max(1, Math.abs(v)), "gelu(" + v + ")");
            assertEquals((gelu(v + h) - gelu(v - h)) / (2 * h), dx.getDouble(0, i), 1e-5, "gelu'(" + v + ")");
        }
    }
}
