package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** norm_final, modulate(shift, scale), Linear(D, p*p*out_channels). */
public final class FinalLayer {
    private final LayerNorm norm = new LayerNorm();
    private final Linear linear;
    private final Modulation adaLN;
    private long batch;
    private INDArray[] mod;
    private INDArray normalized;

    public FinalLayer(ParameterSet.Builder params, String name, long dim, long patch, long outChannels) {
        this.linear = new Linear(params, name + ".linear", dim, patch * patch * outChannels).zeroInit();
        this.adaLN = new Modulation(params, name + ".adaLN_modulation", dim, 2);
    }

    public INDArray forward(INDArray x, INDArray siluC, boolean keep) {
        INDArray[] m = adaLN.forward(siluC, keep);   // shift, scale
        INDArray n = norm.forward(x, keep);
        INDArray out = linear.forward(Tokens.modulate(n, m[0], m[1]), keep);
        if (keep) {
            batch = siluC.size(0);
            mod = m;
            normalized = n;
        }
        return out;
    }

    /** Returns {dx, d SiLU(c)}. */
    public INDArray[] backward(INDArray dy) {
        INDArray dm = linear.backward(dy, true);
        INDArray dShift = Tokens.sumPerSample(dm, batch);
        INDArray dScale = Tokens.sumPerSample(dm.mul(normalized), batch);
        INDArray dx = norm.backward(Tokens.mulPerSample(dm, mod[1].add(1.0), dm));
        INDArray dSiluC = adaLN.backward(dShift, dScale);
        mod = null;
        normalized = null;
        return new INDArray[] {dx, dSiluC};
    }
}
