package org.lit.train;

import org.lit.core.nn.FusedUpdates;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Exponential moving average of every parameter (pos_embed included, as DiT's update_ema). */
public final class Ema {
    private final INDArray average;

    /** Starts as a copy of the weights (update_ema with decay 0). */
    public Ema(INDArray weights) {
        this.average = weights.dup();
    }

    /** ema = decay * ema + (1 - decay) * weights. */
    public void update(INDArray weights, double decay) {
        if (!FusedUpdates.ema(average, weights, decay)) average.muli(decay).addi(weights.mul(1 - decay));
    }

    public INDArray weights() {
        return average;
    }
}
