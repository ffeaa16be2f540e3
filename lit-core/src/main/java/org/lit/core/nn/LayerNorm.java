package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** nn.LayerNorm(D, elementwise_affine=False, eps=1e-6) over the last dimension. */
public final class LayerNorm {
    static final double EPS = 1e-6;
    private INDArray normalized;
    private INDArray invStd;

    public INDArray forward(INDArray x, boolean keep) {
        INDArray centered = x.subColumnVector(x.mean(true, 1));
        INDArray variance = centered.mul(centered).mean(true, 1);
        INDArray inv = Transforms.pow(variance.addi(EPS), -0.5, false);
        INDArray y = centered.muliColumnVector(inv);
        if (keep) {
            normalized = y;
            invStd = inv;
        }
        return y;
    }

    /** The last forward's normalised rows (kept with keep = true). */
    INDArray normalized() {
        return normalized;
    }

    /** dx = invStd * (dy - mean(dy) - y * mean(dy * y)), per row. */
    public INDArray backward(INDArray dy) {
        INDArray meanDy = dy.mean(true, 1);
        INDArray meanDyY = dy.mul(normalized).mean(true, 1);
        INDArray dx = normalized.mulColumnVector(meanDyY).rsubi(dy).subiColumnVector(meanDy).muliColumnVector(invStd);
        normalized = null;
        invStd = null;
        return dx;
    }
}
