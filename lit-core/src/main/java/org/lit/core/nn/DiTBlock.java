package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * adaLN-Zero block:
 * x = x + gate_msa * attn(modulate(norm1(x), shift_msa, scale_msa));
 * x = x + gate_mlp * mlp(modulate(norm2(x), shift_mlp, scale_mlp)).
 */
public final class DiTBlock {
    private final LayerNorm norm1 = new LayerNorm();
    private final LayerNorm norm2 = new LayerNorm();
    private final Attention attn;
    private final Mlp mlp;
    private final Modulation adaLN;
    private final long mlpHidden;
    private long batch;
    private INDArray[] mod;
    private INDArray n1, attnOut, n2, mlpOut;

    public DiTBlock(ParameterSet.Builder params, String name, long dim, double mlpRatio, AttentionFactory attention) {
        this.attn = attention.create(params, name + ".attn");
        this.mlpHidden = (long) (dim * mlpRatio);
        this.mlp = new Mlp(params, name + ".mlp", dim, mlpHidden);
        this.adaLN = new Modulation(params, name + ".adaLN_modulation", dim, 6);
    }

    /** Builds the attention of one block; DiT and LiT differ only here. */
    public interface AttentionFactory {
        Attention create(ParameterSet.Builder params, String name);
    }

    public INDArray forward(INDArray x, INDArray siluC, boolean keep) {
        long batch = siluC.size(0);
        INDArray[] m = adaLN.forward(siluC, keep);   // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
        INDArray n1 = norm1.forward(x, keep);
        INDArray a = attn.forward(Tokens.modulate(n1, m[0], m[1]), batch, keep);
        INDArray x1 = x.add(Tokens.mulPerSample(a, m[2], Nd4j.createUninitialized(a.dataType(), a.shape())));
        INDArray n2 = norm2.forward(x1, keep);
        INDArray f = mlp.forward(Tokens.modulate(n2, m[3], m[4]), keep);
        INDArray x2 = Tokens.mulPerSample(f, m[5], Nd4j.createUninitialized(f.dataType(), f.shape())).addi(x1);
        if (keep) {
            this.batch = batch;
            this.mod = m;
            this.n1 = n1;
            this.attnOut = a;
            this.n2 = n2;
            this.mlpOut = f;
        }
        return x2;
    }

    /** Returns {dx, d SiLU(c)}. */
    public INDArray[] backward(INDArray dx2) {
        INDArray dGateMlp = Tokens.sumPerSample(dx2.mul(mlpOut), batch);
        INDArray dm2 = mlp.backward(Tokens.mulPerSample(dx2, mod[5], Nd4j.createUninitialized(dx2.dataType(), dx2.shape())));
        INDArray dShiftMlp = Tokens.sumPerSample(dm2, batch);
        INDArray dScaleMlp = Tokens.sumPerSample(dm2.mul(n2), batch);
        INDArray dx1 = norm2.backward(Tokens.mulPerSample(dm2, mod[4].add(1.0), dm2)).addi(dx2);

        INDArray dGateMsa = Tokens.sumPerSample(dx1.mul(attnOut), batch);
        INDArray dm1 = attn.backward(Tokens.mulPerSample(dx1, mod[2], Nd4j.createUninitialized(dx1.dataType(), dx1.shape())));
        INDArray dShiftMsa = Tokens.sumPerSample(dm1, batch);
        INDArray dScaleMsa = Tokens.sumPerSample(dm1.mul(n1), batch);
        INDArray dx = norm1.backward(Tokens.mulPerSample(dm1, mod[1].add(1.0), dm1)).addi(dx1);

        INDArray dSiluC = adaLN.backward(dShiftMsa, dScaleMsa, dGateMsa, dShiftMlp, dScaleMlp, dGateMlp);
        mod = null;
        n1 = attnOut = n2 = mlpOut = null;
        return new INDArray[] {dx, dSiluC};
    }

    public long macsPerSample(long tokens, long dim) {
        return attn.macsPerSample(tokens) + mlp.macsPerSample(tokens, dim, mlpHidden) + dim * 6 * dim;
    }
}
