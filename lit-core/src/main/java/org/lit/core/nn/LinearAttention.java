package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * LiT's simplified linear attention (REFERENCE.md 6.2): ReLU kernel, few heads, plus a depth-wise
 * convolution on V. Per head: o_i = phi(q_i) (K^T V / N) / (phi(q_i) . mean(K) + 1e-6) + DWC(V)_i,
 * phi(x) = relu(x) + 1e-6. Cost is linear in tokens: O(N D hd) instead of O(N^2 D).
 */
public final class LinearAttention implements Attention {
    private static final double EPS = 1e-6;
    private final Linear q;
    private final Linear kv;
    private final Linear proj;
    private final DepthwiseConv dwc;
    private final long dim;
    private final long heads;
    private long batch;
    private INDArray qPre, kPre, qh, kh, vh, keyMean, context, unnormalized, inverse;

    public LinearAttention(ParameterSet.Builder params, String name, long dim, long heads, int kernel) {
        this.dim = dim;
        this.heads = heads;
        this.q = new Linear(params, name + ".q", dim, dim);
        this.kv = new Linear(params, name + ".kv", dim, 2 * dim);
        this.proj = new Linear(params, name + ".proj", dim, dim);
        this.dwc = new DepthwiseConv(params, name + ".dwc", heads, dim / heads, kernel);
    }

    @Override
    public INDArray forward(INDArray x, long batch, boolean keep) {
        INDArray qPre = q.forward(x, keep);
        INDArray kvPre = kv.forward(x, keep);
        INDArray kPre = kvPre.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim));
        INDArray v = kvPre.get(NDArrayIndex.all(), NDArrayIndex.interval(dim, 2 * dim));
        INDArray qh = Heads.splitFeatures(qPre, batch, heads, EPS);
        INDArray kh = Heads.splitFeatures(kPre, batch, heads, EPS);
        INDArray vh = Heads.split(v, batch, heads);
        long tokens = qh.size(1);
        INDArray keyMean = kh.mean(true, 1);                                   // (Bh, 1, hd)
        INDArray inverse = Transforms.pow(Tokens.bmm(qh, keyMean, false, true).addi(EPS), -1, false); // (Bh, T, 1)
        INDArray context = Tokens.bmm(kh, vh, true, false).divi(tokens);       // (Bh, hd, hd)
        INDArray unnormalized = Tokens.bmm(qh, context, false, false);         // (Bh, T, hd)
        INDArray heads = Nd4j.createUninitialized(x.dataType(), unnormalized.shape());
        Broadcast.mul(unnormalized, inverse.reshape(inverse.size(0), tokens), heads, 0, 1);
        INDArray mixed = dwc.forward(v, batch, keep);
        Heads.mergeInto(heads, batch, null, mixed, mixed);   // attention + DWC(V), in place of the DWC's output
        INDArray out = proj.forward(mixed, keep);
        if (keep) {
            this.batch = batch;
            this.qPre = qPre;
            this.kPre = kPre;
            this.qh = qh;
            this.kh = kh;
            this.vh = vh;
            this.keyMean = keyMean;
            this.context = context;
            this.unnormalized = unnormalized;
            this.inverse = inverse;
        }
        return out;
    }

    @Override
    public INDArray backward(INDArray dy) {
        INDArray dMixed = proj.backward(dy, true);
        INDArray dvTokens = dwc.backward(dMixed);
        INDArray dHeads = Heads.split(dMixed, batch, heads);
        long tokens = qh.size(1);
        long bh = qh.size(0);
        INDArray inv = inverse.reshape(bh, tokens);
        INDArray dUnnorm = Nd4j.createUninitialized(dy.dataType(), dHeads.shape());
        Broadcast.mul(dHeads, inv, dUnnorm, 0, 1);
        // d(1/s) = -1/s^2 ds, with s = q . mean(K) + eps
        INDArray dDenom = dHeads.mul(unnormalized).sum(2).muli(inv).muli(inv).negi();   // (Bh, T)
        INDArray dq = Tokens.bmm(dUnnorm, context, false, true)
                .addi(Tokens.bmm(dDenom.reshape(bh, tokens, 1), keyMean, false, false));
        INDArray dContext = Tokens.bmm(qh, dUnnorm, true, false).divi(tokens);
        INDArray dKeyMean = Tokens.bmm(dDenom.reshape(bh, 1, tokens), qh, false, false).divi(tokens); // (Bh, 1, hd)
        INDArray dk = Tokens.bmm(vh, dContext, false, true);
        Broadcast.add(dk, dKeyMean.reshape(bh, dKeyMean.size(2)), dk, 0, 2);
        INDArray dv = Tokens.bmm(kh, dContext, false, false);
        INDArray dqPre = Nd4j.createUninitialized(dy.dataType(), qPre.shape());
        Heads.mergeInto(dq, batch, qPre, null, dqPre);
        INDArray dKv = Nd4j.createUninitialized(dy.dataType(), qPre.size(0), 2 * dim);   // d [K | V], written in place
        Heads.mergeInto(dk, batch, kPre, null, dKv.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim)));
        Heads.mergeInto(dv, batch, null, dvTokens, dKv.get(NDArrayIndex.all(), NDArrayIndex.interval(dim, 2 * dim)));
        INDArray dx = q.backward(dqPre, true).addi(kv.backward(dKv, true));
        qPre = kPre = qh = kh = vh = keyMean = context = unnormalized = inverse = null;
        return dx;
    }

    @Override
    public long macsPerSample(long tokens) {
        long hd = dim / heads;
        long projections = tokens * dim * (dim + 2 * dim + dim);
        long mixing = 2 * tokens * dim * hd + tokens * dim;   // K^T V, q (K^T V), q . mean(K)
        return projections + mixing + dwc.macsPerSample(tokens);
    }
}
