package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** timm Attention(dim, heads, qkv_bias=True): softmax(q k^T / sqrt(hd)) v, then proj. */
public final class SoftmaxAttention implements Attention {
    private static final String SOFTMAX = "softmax";
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
        INDArray mixed = Nd4j.createUninitialized(x.dataType(), x.shape());
        Heads.mergeInto(Tokens.bmm(probs, v, false, false), batch, null, null, mixed);
        INDArray out = proj.forward(mixed, keep);
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
        INDArray dScores = softmaxBackward(probs, dProbs);
        INDArray dq = Tokens.bmm(dScores, k, false, false);
        INDArray dk = Tokens.bmm(dScores, q, true, false);
        INDArray dPacked = Nd4j.createUninitialized(dy.dataType(), dy.size(0), 3 * dim);   // d [q | k | v], written in place
        INDArray[] perHead = {dq, dk, dv};
        for (int i = 0; i < 3; i++) Heads.mergeInto(perHead[i], batch, null, null, dPacked.get(NDArrayIndex.all(), NDArrayIndex.interval(i * dim, (i + 1) * dim)));
        q = k = v = probs = null;
        return qkv.backward(dPacked, true);
    }

    /** d scores = p * (dp - sum_j dp_j p_j) * scale, in place of dProbs. */
    private INDArray softmaxBackward(INDArray probs, INDArray dProbs) {
        if (CpuKernels.vector(SOFTMAX) && NativeRows.usable(probs, dProbs)) {
            long rows = probs.length() / probs.size(2);
            VectorKernels.softmaxBackward(NativeRows.of(probs.reshape('c', rows, probs.size(2))), NativeRows.of(dProbs.reshape('c', rows, dProbs.size(2))), (float) scale);
            return dProbs;
        }
        INDArray rowDot = dProbs.mul(probs).sum(2);
        Broadcast.sub(dProbs, rowDot, dProbs, 0, 1);
        return dProbs.muli(probs).muli(scale);
    }

    @Override
    public long macsPerSample(long tokens) {
        return tokens * dim * 3 * dim + 2 * tokens * tokens * dim + tokens * dim * dim;
    }
}
