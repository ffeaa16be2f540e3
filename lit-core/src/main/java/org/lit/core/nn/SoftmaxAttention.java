package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** timm Attention(dim, heads, qkv_bias=True): softmax(q k^T / sqrt(hd)) v, then proj. */
public final class SoftmaxAttention implements Attention {
    private final Linear qkv;
    private final Linear proj;
    private final long dim;
    private final long heads;
    private final double scale;
    private long batch;
    private INDArray q, k, v, probs;

    public SoftmaxAttention(ParameterSet.Builder params, String name, long dim, long heads) {
        this.dim = dim;
        this.heads = heads;
        this.scale = Math.pow(dim / heads, -0.5);
        this.qkv = new Linear(params, name + ".qkv", dim, 3 * dim);
        this.proj = new Linear(params, name + ".proj", dim, dim);
    }

    @Override
    public INDArray forward(INDArray x, long batch, boolean keep) {
        INDArray packed = qkv.forward(x, keep);
        INDArray q = Heads.split(packed.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim)), batch, heads);
        INDArray k = Heads.split(packed.get(NDArrayIndex.all(), NDArrayIndex.interval(dim, 2 * dim)), batch, heads);
        INDArray v = Heads.split(packed.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * dim, 3 * dim)), batch, heads);
        INDArray scores = Tokens.bmm(q, k, false, true).muli(scale);
        INDArray probs = Nd4j.exec(new SoftMax(scores, scores, 2))[0];
        INDArray out = proj.forward(Heads.merge(Tokens.bmm(probs, v, false, false), batch), keep);
        if (keep) {
            this.batch = batch;
            this.q = q;
            this.k = k;
            this.v = v;
            this.probs = probs;
        }
        return out;
    }

    @Override
    public INDArray backward(INDArray dy) {
        INDArray dOut = Heads.split(proj.backward(dy, true), batch, heads);
        INDArray dProbs = Tokens.bmm(dOut, v, false, true);
        INDArray dv = Tokens.bmm(probs, dOut, true, false);
        // softmax backward: ds = p * (dp - sum_j dp_j p_j)
        INDArray rowDot = dProbs.mul(probs).sum(2);
        Broadcast.sub(dProbs, rowDot, dProbs, 0, 1);
        INDArray dScores = dProbs.muli(probs).muli(scale);
        INDArray dq = Tokens.bmm(dScores, k, false, false);
        INDArray dk = Tokens.bmm(dScores, q, true, false);
        INDArray dPacked = Nd4j.hstack(Heads.merge(dq, batch), Heads.merge(dk, batch), Heads.merge(dv, batch));
        q = k = v = probs = null;
        return qkv.backward(dPacked, true);
    }

    @Override
    public long macsPerSample(long tokens) {
        return tokens * dim * 3 * dim + 2 * tokens * tokens * dim + tokens * dim * dim;
    }
}
