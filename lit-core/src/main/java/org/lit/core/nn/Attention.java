package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Token mixing inside a DiT block: softmax self-attention (DiT) or linear attention (LiT). */
public interface Attention {
    /** x: (batch * tokens, hidden). */
    INDArray forward(INDArray x, long batch, boolean keep);

    /** Accumulates parameter gradients and returns the input gradient. */
    INDArray backward(INDArray dy);

    /** Multiply-accumulates of one forward over one sample (the papers' "FLOPs"). */
    long macsPerSample(long tokens);
}
