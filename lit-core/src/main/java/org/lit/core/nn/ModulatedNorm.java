package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * modulate(norm(x), shift, scale) = LayerNorm(x) * (1 + scale) + shift, the adaLN input of every
 * attention, MLP and final layer, with shift and scale per sample. On the CPU one pass per row
 * ({@link VectorKernels#modulatedNorm}); elsewhere {@link LayerNorm} then the broadcasts of
 * {@link Tokens#modulate}.
 */
public final class ModulatedNorm {
    static final String KERNEL = "norm";
    private final LayerNorm norm = new LayerNorm();
    private long batch;
    private INDArray scale, normalized, invStd;

    public INDArray forward(INDArray x, INDArray shift, INDArray scale, boolean keep) {
        long batch = shift.size(0);
        if (keep) {
            this.batch = batch;
            this.scale = scale;
            this.normalized = this.invStd = null;
        }
        if (!CpuKernels.vector(KERNEL) || !NativeRows.usable(x)) return Tokens.modulate(norm.forward(x, keep), shift, scale);
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        INDArray normalized = keep ? Nd4j.createUninitialized(x.dataType(), x.shape()) : null;
        INDArray invStd = keep ? Nd4j.createUninitialized(x.dataType(), x.size(0), 1) : null;
        VectorKernels.modulatedNorm(NativeRows.of(x), NativeRows.of(shift), NativeRows.of(scale), (int) (x.size(0) / batch), LayerNorm.EPS,
                NativeRows.of(out), normalized == null ? null : NativeRows.of(normalized), invStd == null ? null : NativeRows.of(invStd));
        if (keep) {
            this.normalized = normalized;
            this.invStd = invStd;
        }
        return out;
    }

    /** Returns {dx + residual, dShift, dScale} from the gradient of the output; residual may be null. */
    public INDArray[] backward(INDArray dOut, INDArray residual) {
        INDArray dShift, dScale, dx;
        if (normalized == null) {
            INDArray n = norm.normalized();
            dShift = Tokens.sumPerSample(dOut, batch);
            dScale = Tokens.sumPerSample(dOut.mul(n), batch);
            dx = norm.backward(Tokens.mulPerSample(dOut, scale.add(1.0), dOut));
            if (residual != null) dx.addi(residual);
        } else {
            dShift = Nd4j.createUninitialized(dOut.dataType(), batch, dOut.size(1));
            dScale = Nd4j.createUninitialized(dOut.dataType(), batch, dOut.size(1));
            dx = Nd4j.createUninitialized(dOut.dataType(), dOut.shape());
            INDArray g = NativeRows.contiguous(dOut) ? dOut : dOut.dup('c');
            VectorKernels.modulatedNormBackward(NativeRows.of(g), NativeRows.of(normalized), NativeRows.of(invStd), NativeRows.of(scale),
                    (int) (dOut.size(0) / batch), residual == null ? null : NativeRows.of(residual), NativeRows.of(dx),
                    NativeRows.of(dShift), NativeRows.of(dScale));
        }
        scale = normalized = invStd = null;
        return new INDArray[] {dx, dShift, dScale};
    }
}
