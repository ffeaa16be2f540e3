package org.lit.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/** torch.nn.utils.clip_grad_norm_ over the whole flat gradient buffer. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Scales grads down to maxNorm when above it (maxNorm <= 0: no clipping); returns the norm before. */
    public static double clip(INDArray grads, double maxNorm) {
        double norm = grads.norm2Number().doubleValue();
        if (maxNorm > 0) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) grads.muli(coef);
        }
        return norm;
    }
}
