package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Moves channels c = head * headDim + e between token rows (B*T, D) and per-head batches (B*h, T, hd). */
final class Heads {
    private Heads() {
    }

    static INDArray split(INDArray x, long batch, long heads) {
        long tokens = x.size(0) / batch;
        long hd = x.size(1) / heads;
        return x.reshape('c', batch, tokens, heads, hd).permute(0, 2, 1, 3).dup('c').reshape('c', batch * heads, tokens, hd);
    }

    static INDArray merge(INDArray x, long batch) {
        long heads = x.size(0) / batch;
        long tokens = x.size(1);
        long hd = x.size(2);
        return x.reshape('c', batch, heads, tokens, hd).permute(0, 2, 1, 3).dup('c').reshape('c', batch * tokens, heads * hd);
    }
}
