package org.lit.core.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lit.core.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences against the analytic backward, in float64, on a freshly initialised
 * tiny network whose adaLN and final layer are made non-zero (at the reference init they are zero
 * and most gradients would vanish). The error floor 1e-2 in the denominator absorbs the ~1e-9
 * rounding noise of differencing a loss of order 100; a wrong derivative is off by its own size.
 */
class GradientCheckTest {
    @ParameterizedTest
    @ValueSource(strings = {"dit", "lit"})
    void analyticGradientMatchesFiniteDifferences(String kind) {
        SplittableRandom rng = new SplittableRandom(9);
        DiffusionTransformer m = Fixtures.liveTiny(kind, DataType.DOUBLE, rng);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 4, 8, 8);
        INDArray upstream = Nd4j.randn(DataType.DOUBLE, 2, 8, 8, 8);
        int[] t = {3, 700};
        int[] y = {1, 10};

        m.parameters().zeroGrads();
        m.forwardForTraining(x, t, y);
        m.backward(upstream);
        INDArray analytic = m.parameters().grads().dup();

        INDArray values = m.parameters().values();
        double h = 1e-5;
        int checked = 0;
        for (Param p : m.parameters().params()) {
            if (!p.trainable) continue;
            for (int k = 0; k < 3; k++) {
                long i = p.offset + rng.nextLong(p.length());
                double v0 = values.getDouble(i);
                values.putScalar(i, v0 + h);
                double up = m.forward(x, t, y).mul(upstream).sumNumber().doubleValue();
                values.putScalar(i, v0 - h);
                double down = m.forward(x, t, y).mul(upstream).sumNumber().doubleValue();
                values.putScalar(i, v0);
                double numeric = (up - down) / (2 * h);
                double a = analytic.getDouble(i);
                double err = Math.abs(numeric - a) / Math.max(1e-2, Math.abs(numeric) + Math.abs(a));
                assertTrue(err < 1e-6, kind + " " + p.name + "[" + (i - p.offset) + "]: analytic " + a + " numeric " + numeric);
                checked++;
            }
        }
        assertTrue(checked > 40, "checked " + checked + " coordinates");
    }
}
