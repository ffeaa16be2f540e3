package org.lit.eval.inception;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * torchvision's BasicConv2d: convolution without bias, BatchNorm (eps 0.001, running statistics), ReLU. For
 * inference the BatchNorm is folded into the convolution when the layer is built: per output channel o,
 * {@code s = gamma / sqrt(running_var + eps)}, weight {@code W[o] * s}, bias {@code beta - running_mean * s}. A layer
 * is then one libnd4j conv2d (oneDNN on CPU, cuDNN on CUDA) with bias, and a ReLU in place.
 *
 * <p>NHWC with OHWI weights: on 2 AVX-512 cores oneDNN ran this network's convolutions at 290-360 GFLOP/s so, and at
 * 130-280 GFLOP/s in NCHW (which reorders to its blocked layout and back on every call). libnd4j's conv2d gave wrong
 * results on strided views (a channel slice of a concatenation) in M2.1, so input and output are contiguous.
 */
final class BasicConv2d implements Stage {
    private static final double BN_EPS = 0.001;
    private static final int NHWC = 1;
    private static final int OHWI = 2;

    private final int kernelH, kernelW, stride, padH, padW;
    /** (out, kh, kw, in), BatchNorm folded in. */
    private final INDArray weight;
    private final INDArray bias;

    BasicConv2d(StateDict sd, String name, int in, int out, int kernelH, int kernelW, int stride, int padH, int padW) {
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.stride = stride;
        this.padH = padH;
        this.padW = padW;
        INDArray w = sd.take(name + ".conv.weight", out, in, kernelH, kernelW);
        INDArray gamma = sd.take(name + ".bn.weight", out);
        INDArray beta = sd.take(name + ".bn.bias", out);
        INDArray mean = sd.take(name + ".bn.running_mean", out);
        INDArray scale = gamma.div(Transforms.sqrt(sd.take(name + ".bn.running_var", out).add(BN_EPS), false));
        this.weight = w.reshape(out, (long) in * kernelH * kernelW).mulColumnVector(scale.reshape(out, 1)).reshape(out, in, kernelH, kernelW)
                .permute(0, 2, 3, 1).castTo(DataType.FLOAT).dup('c');
        this.bias = beta.sub(mean.mul(scale)).castTo(DataType.FLOAT);
    }

    /** A square kernel with padding on both axes. */
    BasicConv2d(StateDict sd, String name, int in, int out, int kernel, int stride, int padding) {
        this(sd, name, in, out, kernel, kernel, stride, padding, padding);
    }

    @Override
    public long[] outputShape(long[] s) {
        return new long[] {s[0], Stage.windows(s[1], kernelH, stride, padH), Stage.windows(s[2], kernelW, stride, padW), weight.size(0)};
    }

    @Override
    public void forward(INDArray x, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, weight, bias).addOutputs(out)
                .addIntegerArguments(kernelH, kernelW, stride, stride, padH, padW, 1, 1, 0, NHWC, OHWI).build());
        Transforms.relu(out, false);
    }
}
