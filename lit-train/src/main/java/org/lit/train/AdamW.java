package org.lit.train;

import org.lit.core.nn.FusedUpdates;
import org.lit.core.nn.Param;
import org.lit.core.nn.ParameterSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * torch.optim.AdamW on the flat parameter buffer, in PyTorch's order of operations: decoupled
 * weight decay, moment updates, bias-corrected step. Parameters that PyTorch never hands a
 * gradient (pos_embed) are left untouched, decay included. On the CPU, one pass of
 * {@link FusedUpdates#adamW} does the same operations in the same order.
 */
public final class AdamW {
    private final ParameterSet params;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final INDArray trainable;
    private final INDArray expAvg;
    private final INDArray expAvgSq;
    private long step;

    public AdamW(ParameterSet params, double beta1, double beta2, double eps, double weightDecay) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.trainable = Nd4j.zeros(params.dataType(), params.size());
        for (Param p : params.params()) {
            if (p.trainable) trainable.get(NDArrayIndex.interval(p.offset, p.offset + p.length())).assign(1);
        }
        this.expAvg = Nd4j.zeros(params.dataType(), params.size());
        this.expAvgSq = Nd4j.zeros(params.dataType(), params.size());
    }

    /** One update with learning rate lr from the gradients in the flat gradient buffer. */
    public void step(double lr) {
        step++;
        INDArray p = params.values();
        INDArray g = params.grads();
        double stepSize = lr / (1 - Math.pow(beta1, step));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        if (FusedUpdates.adamW(p, g, expAvg, expAvgSq, trainable, lr * weightDecay, beta1, beta2, bc2Sqrt, eps, stepSize)) return;
        if (weightDecay != 0) p.subi(p.mul(trainable).muli(lr * weightDecay));
        expAvg.muli(beta1).addi(g.mul(1 - beta1));
        expAvgSq.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        INDArray denom = Transforms.sqrt(expAvgSq, true).divi(bc2Sqrt).addi(eps);
        p.subi(expAvg.div(denom).muli(trainable).muli(stepSize));
    }

    public long steps() {
        return step;
    }

    /** First and second moments: the live state, for checkpoints and resume. */
    public INDArray expAvg() {
        return expAvg;
    }

    public INDArray expAvgSq() {
        return expAvgSq;
    }

    /** Restores the step count on resume; the moments are loaded into {@link #expAvg} and {@link #expAvgSq}. */
    public void restoreSteps(long steps) {
        step = steps;
    }
}
