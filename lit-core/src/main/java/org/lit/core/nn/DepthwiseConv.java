package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * LiT's local branch: Conv2d(hd, hd, k, groups=hd, padding=k/2) applied to V of every head with one
 * filter bank shared by all heads. The token matrix is viewed as an NHWC image (B, side, side, h*hd)
 * with the filters tiled over heads, so no permute is needed, and the convolution is k*k shifted
 * views of the zero-padded image, each scaled per channel: plain ND4J ops that run on any backend.
 * (libnd4j's depthwise_conv2d_bp took 60% of a LiT-S/2 step on the CPU; this takes a few percent.)
 */
public final class DepthwiseConv {
    public final Param weight;
    public final Param bias;
    private final long heads;
    private final long headDim;
    private final int kernel;
    private INDArray padded;

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

    /** tokens (B*T, h*hd) to the convolved (B*T, h*hd), bias included. */
    public INDArray forward(INDArray tokens, long batch, boolean keep) {
        long side = side(tokens, batch);
        long channels = tokens.size(1);
        int pad = kernel / 2;
        INDArray padded = Nd4j.zeros(tokens.dataType(), batch, side + 2 * pad, side + 2 * pad, channels);
        padded.get(NDArrayIndex.all(), NDArrayIndex.interval(pad, pad + side), NDArrayIndex.interval(pad, pad + side), NDArrayIndex.all())
                .assign(tokens.reshape('c', batch, side, side, channels));
        INDArray out = Nd4j.zeros(tokens.dataType(), batch, side, side, channels);
        Broadcast.add(out, Nd4j.tile(bias.value(), (int) heads), out, 3);
        INDArray taps = tiledWeight();
        INDArray scaled = Nd4j.createUninitialized(tokens.dataType(), out.shape());
        for (int k = 0; k < kernel * kernel; k++) {
            Broadcast.mul(tap(padded, k, side), taps.getRow(k), scaled, 3);
            out.addi(scaled);
        }
        this.padded = keep ? padded : null;
        return out.reshape('c', tokens.shape());
    }

    /** Accumulates the filter and bias gradients (summed over heads); returns d tokens. */
    public INDArray backward(INDArray dOut) {
        long batch = padded.size(0);
        long side = padded.size(1) - 2 * (kernel / 2);
        long channels = dOut.size(1);
        INDArray grad = dOut.reshape('c', batch, side, side, channels);
        INDArray dPadded = Nd4j.zeros(dOut.dataType(), padded.shape());
        INDArray taps = tiledWeight();
        INDArray dTaps = Nd4j.createUninitialized(dOut.dataType(), taps.shape());
        INDArray scaled = Nd4j.createUninitialized(dOut.dataType(), grad.shape());
        for (int k = 0; k < kernel * kernel; k++) {
            Broadcast.mul(grad, taps.getRow(k), scaled, 3);
            tap(dPadded, k, side).addi(scaled);
            dTaps.getRow(k).assign(scaled.assign(grad).muli(tap(padded, k, side)).sum(0, 1, 2));
        }
        long taps2 = (long) kernel * kernel;
        weight.grad().addi(dTaps.reshape('c', taps2, heads, headDim).sum(1).transpose().reshape('c', headDim, 1, kernel, kernel));
        bias.grad().addi(grad.sum(0, 1, 2).reshape('c', heads, headDim).sum(0));
        int pad = kernel / 2;
        INDArray dIn = dPadded.get(NDArrayIndex.all(), NDArrayIndex.interval(pad, pad + side), NDArrayIndex.interval(pad, pad + side),
                NDArrayIndex.all()).dup('c');
        padded = null;
        return dIn.reshape('c', dOut.shape());
    }

    public long macsPerSample(long tokens) {
        return tokens * heads * headDim * kernel * kernel;
    }

    /** The window of the padded image that tap k = (dy, dx) reads for every output pixel. */
    private INDArray tap(INDArray image, int k, long side) {
        int dy = k / kernel, dx = k % kernel;
        INDArrayIndex all = NDArrayIndex.all();
        return image.get(all, NDArrayIndex.interval(dy, dy + side), NDArrayIndex.interval(dx, dx + side), all);
    }

    /** (hd, 1, k, k) filters as (k*k, h*hd): row k holds tap k of every channel, repeated per head. */
    private INDArray tiledWeight() {
        long taps = (long) kernel * kernel;
        return Nd4j.tile(weight.value().reshape('c', headDim, taps).transpose(), 1, (int) heads).dup('c');
    }

    private static long side(INDArray tokens, long batch) {
        return Math.round(Math.sqrt(tokens.size(0) / (double) batch));
    }
}
