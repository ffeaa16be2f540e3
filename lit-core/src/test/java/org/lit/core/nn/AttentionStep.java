package org.lit.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Function;

/** One attention's forward and backward on seeded inputs, for tests that run it down two paths and compare. */
final class AttentionStep {
    private AttentionStep() {
    }

    /** Width 48, 2 samples of `tokens` tokens, weights from seed 19 and inputs from seed 23: {y, dx, grads}. */
    static INDArray[] run(Function<ParameterSet.Builder, Attention> make, int tokens) {
        ParameterSet.Builder b = new ParameterSet.Builder();
        Attention attention = make.apply(b);
        ParameterSet p = b.allocate(DataType.FLOAT);
        p.initialize(19);
        Nd4j.getRandom().setSeed(23);
        INDArray y = attention.forward(Nd4j.randn(DataType.FLOAT, 2 * tokens, 48), 2, true);
        INDArray dx = attention.backward(Nd4j.randn(DataType.FLOAT, 2 * tokens, 48));
        return new INDArray[] {y, dx, p.grads().dup()};
    }
}
