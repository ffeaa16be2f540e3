package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** norm_final, modulate(shift, scale), Linear(D, p*p*out_channels). */
public final class FinalLayer {
    private final ModulatedNorm norm = new ModulatedNorm();
    private final Linear linear;
    private final Modulation adaLN;

    public FinalLayer(ParameterSet.Builder params, String name, long dim, long patch, long outChannels) {
        this.linear = new Linear(params, name + ".linear", dim, patch * patch * outChannels).zeroInit();
        this.adaLN = new Modulation(params, name + ".adaLN_modulation", dim, 2);
    }

    public INDArray forward(INDArray x, INDArray siluC, boolean keep) {
        INDArray[] m = adaLN.forward(siluC, keep);   // shift, scale
        return linear.forward(norm.forward(x, m[0], m[1], keep), keep);
    }

    /** Returns {dx, d SiLU(c)}. */
    public INDArray[] backward(INDArray dy) {
        INDArray[] d = norm.backward(linear.backward(dy, true), null);   // {dx, dShift, dScale}
        return new INDArray[] {d[0], adaLN.backward(d[1], d[2])};
    }
}
