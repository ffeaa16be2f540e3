package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** nn.Linear: y = x W^T + b on (rows, in) matrices; W is (out, in) as PyTorch stores it. */
public final class Linear {
    public final Param weight;
    public final Param bias;
    private INDArray input;

    public Linear(ParameterSet.Builder params, String name, long in, long out) {
        this(params, name, in, out, true);
    }

    public Linear(ParameterSet.Builder params, String name, long in, long out, boolean withBias) {
        this.weight = params.add(name + ".weight", out, in);
        this.bias = withBias ? params.add(name + ".bias", out) : null;
        weight.initWith(Initializer.xavierUniform(in, out));
    }

    /** adaLN-Zero and the final projection start at exactly zero. */
    public Linear zeroInit() {
        weight.initWith(Initializer.ZEROS);
        return this;
    }

    public INDArray forward(INDArray x, boolean keep) {
        INDArray y = Tokens.gemm(x, weight.value(), false, true);
        if (bias != null) y.addiRowVector(bias.value());
        input = keep ? x : null;
        return y;
    }

    /** Accumulates dW, db from dy and returns dx (or null when the input needs no gradient). */
    public INDArray backward(INDArray dy, boolean inputGrad) {
        Nd4j.gemm(dy, input, weight.grad(), true, false, 1.0, 1.0);
        if (bias != null) Tokens.addColumnSums(dy, bias.grad());
        INDArray dx = inputGrad ? Tokens.gemm(dy, weight.value(), false, false) : null;
        input = null;
        return dx;
    }
}
