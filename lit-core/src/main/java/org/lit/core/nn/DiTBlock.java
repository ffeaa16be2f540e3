package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * adaLN-Zero block:
 * x = x + gate_msa * attn(modulate(norm1(x), shift_msa, scale_msa));
 * x = x + gate_mlp * mlp(modulate(norm2(x), shift_mlp, scale_mlp)).
 */
public final class DiTBlock {
    private final ModulatedNorm norm1 = new ModulatedNorm();
    private final ModulatedNorm norm2 = new ModulatedNorm();
    private final Attention attn;
    private final Mlp mlp;
    private final Modulation adaLN;
    private final long mlpHidden;
    private INDArray[] mod;
    private INDArray attnOut, mlpOut;

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
        INDArray a = attn.forward(norm1.forward(x, m[0], m[1], keep), batch, keep);
        INDArray x1 = Tokens.gatedResidual(x, a, m[2]);
        INDArray f = mlp.forward(norm2.forward(x1, m[3], m[4], keep), keep);
        INDArray x2 = Tokens.gatedResidual(x1, f, m[5]);
        if (keep) {
            this.mod = m;
            this.attnOut = a;
            this.mlpOut = f;
        }
        return x2;
    }

    /** Returns {dx, d SiLU(c)}. */
    public INDArray[] backward(INDArray dx2) {
        INDArray[] g2 = Tokens.gatedResidualBackward(dx2, mlpOut, mod[5]);   // {d mlp output, dGateMlp}
        INDArray dm2 = mlp.backward(g2[0]);
        INDArray[] d2 = norm2.backward(dm2, dx2);   // {dx1, dShiftMlp, dScaleMlp}
        INDArray dx1 = d2[0];

        INDArray[] g1 = Tokens.gatedResidualBackward(dx1, attnOut, mod[2]);   // {d attention output, dGateMsa}
        INDArray dm1 = attn.backward(g1[0]);
        INDArray[] d1 = norm1.backward(dm1, dx1);   // {dx, dShiftMsa, dScaleMsa}

        INDArray dSiluC = adaLN.backward(d1[1], d1[2], g1[1], d2[1], d2[2], g2[1]);
        mod = null;
        attnOut = mlpOut = null;
        return new INDArray[] {d1[0], dSiluC};
    }

    public long macsPerSample(long tokens, long dim) {
        return attn.macsPerSample(tokens) + mlp.macsPerSample(tokens, dim, mlpHidden) + dim * 6 * dim;
    }
}
