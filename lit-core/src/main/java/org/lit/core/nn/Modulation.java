package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * adaLN: Sequential(SiLU, Linear(D, chunks*D)) of the conditioning vector, chunked in PyTorch's order.
 * SiLU(c) is computed once by the network and shared by every block (it is the same tensor).
 */
public final class Modulation {
    private final Linear linear;
    private final long dim;
    private final int chunks;

    public Modulation(ParameterSet.Builder params, String name, long dim, int chunks) {
        this.dim = dim;
        this.chunks = chunks;
        this.linear = new Linear(params, name + ".1", dim, chunks * dim).zeroInit();
    }

    /** Returns the chunks (each (B, D), views of one (B, chunks*D) array). */
    public INDArray[] forward(INDArray siluC, boolean keep) {
        INDArray all = linear.forward(siluC, keep);
        INDArray[] out = new INDArray[chunks];
        for (int i = 0; i < chunks; i++) out[i] = all.get(NDArrayIndex.all(), NDArrayIndex.interval(i * dim, (i + 1) * dim));
        return out;
    }

    /** Takes the gradient of every chunk, returns the gradient of SiLU(c). */
    public INDArray backward(INDArray... dChunks) {
        return linear.backward(org.nd4j.linalg.factory.Nd4j.hstack(dChunks), true);
    }
}
