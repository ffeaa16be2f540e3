package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LiT's local branch: Conv2d(hd, hd, k, groups=hd, padding=k/2) applied to V of every head with one
 * filter bank shared by all heads. Run on the token matrix viewed as NHWC (B, side, side, h*hd) with
 * the filters tiled over heads, so no permute is needed; filter gradients are summed back over heads.
 */
public final class DepthwiseConv {
    public final Param weight;
    public final Param bias;
    private final long heads;
    private final long headDim;
    private final int kernel;
    private INDArray input;

    public DepthwiseConv(ParameterSet.Builder params, String name, long heads, long headDim, int kernel) {
        this.heads = heads;
        this.headDim = headDim;
        this.kernel = kernel;
        this.weight = params.add(name + ".weight", headDim, 1, kernel, kernel);
        this.bias = params.add(name + ".bias", headDim);
        // PyTorch's default Conv2d init (kaiming_uniform a=sqrt(5)): U(+-1/sqrt(fan_in)), fan_in = k*k.
        double bound = 1.0 / kernel;
        weight.initWith(Initializer.uniform(bound));
        bias.initWith(Initializer.uniform(bound));
    }

    public INDArray forward(INDArray tokens, long batch, boolean keep) {
        INDArray nhwc = asImage(tokens, batch);
        INDArray out = Nd4j.createUninitialized(tokens.dataType(), nhwc.shape());
        Nd4j.exec(DynamicCustomOp.builder("depthwise_conv2d")
                .addInputs(nhwc, tiledWeight(), Nd4j.tile(bias.value(), (int) heads))
                .addOutputs(out).addIntegerArguments(convArgs()).build());
        input = keep ? nhwc : null;
        return out.reshape('c', tokens.shape());
    }

    public INDArray backward(INDArray dOut) {
        INDArray gradOut = dOut.reshape('c', input.shape());
        INDArray gradIn = Nd4j.createUninitialized(dOut.dataType(), input.shape());
        INDArray w = tiledWeight();
        INDArray gradW = Nd4j.createUninitialized(dOut.dataType(), w.shape());
        INDArray gradB = Nd4j.createUninitialized(dOut.dataType(), heads * headDim);
        Nd4j.exec(DynamicCustomOp.builder("depthwise_conv2d_bp")
                .addInputs(input, w, Nd4j.tile(bias.value(), (int) heads), gradOut)
                .addOutputs(gradIn, gradW, gradB).addIntegerArguments(convArgs()).build());
        long taps = (long) kernel * kernel;
        weight.grad().addi(gradW.reshape('c', taps, heads, headDim).sum(1).transpose().reshape('c', headDim, 1, kernel, kernel));
        bias.grad().addi(gradB.reshape('c', heads, headDim).sum(0));
        input = null;
        return gradIn.reshape('c', dOut.shape());
    }

    public long macsPerSample(long tokens) {
        return tokens * heads * headDim * kernel * kernel;
    }

    private INDArray asImage(INDArray tokens, long batch) {
        long side = Math.round(Math.sqrt(tokens.size(0) / (double) batch));
        return tokens.reshape('c', batch, side, side, tokens.size(1));
    }

    /** (hd, 1, k, k) to libnd4j's depthwise layout (k, k, h*hd, 1), repeated for every head. */
    private INDArray tiledWeight() {
        long taps = (long) kernel * kernel;
        INDArray perTap = weight.value().reshape('c', headDim, taps).transpose();
        return Nd4j.tile(perTap, 1, (int) heads).dup('c').reshape('c', kernel, kernel, heads * headDim, 1);
    }

    private int[] convArgs() {
        int pad = kernel / 2;
        // kH, kW, sH, sW, pH, pW, dH, dW, same-mode off, NHWC, weights [kH, kW, iC, mC]
        return new int[] {kernel, kernel, 1, 1, pad, pad, 1, 1, 0, 1, 0};
    }
}
