package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** timm Mlp(D, 4D, act=GELU(approximate="tanh")): fc1, tanh-GELU, fc2. */
public final class Mlp {
    private final Linear fc1;
    private final Linear fc2;
    private INDArray hidden, gate;

    public Mlp(ParameterSet.Builder params, String name, long dim, long hiddenDim) {
        this.fc1 = new Linear(params, name + ".fc1", dim, hiddenDim);
        this.fc2 = new Linear(params, name + ".fc2", hiddenDim, dim);
    }

    public INDArray forward(INDArray x, boolean keep) {
        INDArray h = fc1.forward(x, keep);
        INDArray[] gelu = Activations.geluTanh(h);
        if (keep) {
            hidden = h;
            gate = gelu[1];
        }
        return fc2.forward(gelu[0], keep);
    }

    public INDArray backward(INDArray dy) {
        INDArray dAct = fc2.backward(dy, true);
        INDArray dHidden = Activations.geluTanhBackward(hidden, gate, dAct);
        hidden = gate = null;
        return fc1.backward(dHidden, true);
    }

    public long macsPerSample(long tokens, long dim, long hiddenDim) {
        return 2 * tokens * dim * hiddenDim;
    }
}
