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
 * (libnd4j's depthwise_conv2d_bp took 60% of a LiT-S/2 step on the CPU.) On the CPU backend,
 * {@link DepthwiseKernels#depthwise} does the same in one pass over the image, reading the input where
 * it lies (these views cost 25% of a LiT-S/2 step in a JFR profile).
 */
public final class DepthwiseConv {
    private static final String KERNEL = "dwc";
    public final Param weight;
    public final Param bias;
    private final long heads;
    private final long headDim;
    private final int kernel;
    private INDArray padded;
    private INDArray input;
    private int inputBatch;
    private float[] taps;

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
        if (fast(tokens)) return fastForward(tokens, batch, keep);
        INDArray padded = padded(tokens, batch);
        INDArray out = Nd4j.zeros(tokens.dataType(), batch, side(tokens, batch), side(tokens, batch), tokens.size(1));
        Broadcast.add(out, Nd4j.tile(bias.value(), (int) heads), out, 3);
        correlate(padded, tiledWeight(), false, out);
        this.padded = keep ? padded : null;
        return out.reshape('c', tokens.shape());
    }

    /**
     * Accumulates the filter and bias gradients (summed over heads) and returns d tokens: the same
     * correlation with the taps mirrored, over the zero-padded output gradient.
     */
    public INDArray backward(INDArray dOut) {
        if (input != null) return fastBackward(dOut);
        long batch = padded.size(0);
        long side = side(dOut, batch);
        long channels = dOut.size(1);
        long pixels = dOut.size(0);
        INDArray grad = dOut.reshape('c', batch, side, side, channels);
        INDArray dIn = Nd4j.zeros(dOut.dataType(), grad.shape());
        correlate(padded(dOut, batch), tiledWeight(), true, dIn);

        // d w_k[c] = sum over pixels of grad * (window k of the input). The window is copied to a
        // contiguous array first: ND4J multiplies two contiguous arrays 6x faster than a strided one.
        INDArray product = Nd4j.createUninitialized(dOut.dataType(), grad.shape());
        INDArray dTaps = Nd4j.createUninitialized(dOut.dataType(), (long) kernel * kernel, channels);
        for (int k = 0; k < kernel * kernel; k++) {
            product.assign(tap(padded, k, side)).muli(grad);
            dTaps.getRow(k).assign(Tokens.columnSums(product.reshape('c', pixels, channels)));
        }
        long taps = (long) kernel * kernel;
        weight.grad().addi(dTaps.reshape('c', taps, heads, headDim).sum(1).transpose().reshape('c', headDim, 1, kernel, kernel));
        bias.grad().addi(Tokens.columnSums(dOut).reshape('c', heads, headDim).sum(0));
        padded = null;
        return dIn.reshape('c', dOut.shape());
    }

    private boolean fast(INDArray tokens) {
        return CpuKernels.vector(KERNEL) && NativeRows.usableRows(tokens, tokens.size(1));
    }

    private INDArray fastForward(INDArray tokens, long batch, boolean keep) {
        INDArray out = Nd4j.createUninitialized(tokens.dataType(), tokens.shape());
        float[] taps = tiledWeight().ravel().toFloatVector();   // (k*k) x (h*hd)
        DepthwiseKernels.depthwise(NativeRows.of(tokens), (int) batch, (int) side(tokens, batch), kernel, taps,
                Nd4j.tile(bias.value(), (int) heads).toFloatVector(), NativeRows.of(out));
        input = keep ? tokens : null;
        this.taps = keep ? taps : null;   // the weights do not change before the backward: no second tiling
        inputBatch = (int) batch;
        return out;
    }

    private INDArray fastBackward(INDArray dOut) {
        INDArray dIn = Nd4j.createUninitialized(dOut.dataType(), dOut.shape());
        int channels = (int) dOut.size(1), hd = (int) headDim, tapCount = kernel * kernel;
        float[] dTaps = new float[tapCount * channels], dBiasTiled = new float[channels];
        INDArray grad = dOut.stride(1) == 1 ? dOut : dOut.dup('c');
        DepthwiseKernels.depthwiseBackward(NativeRows.of(input), NativeRows.of(grad), inputBatch, (int) side(dOut, inputBatch), kernel,
                taps, NativeRows.of(dIn), dTaps, dBiasTiled);
        // the filters are shared by the heads: their gradients sum over heads
        float[] dWeight = new float[hd * tapCount], dBias = new float[hd];
        for (int t = 0; t < tapCount; t++) {
            for (int c = 0; c < channels; c++) dWeight[(c % hd) * tapCount + t] += dTaps[t * channels + c];
        }
        for (int c = 0; c < channels; c++) dBias[c % hd] += dBiasTiled[c];
        weight.grad().addi(Nd4j.create(dWeight, weight.grad().shape(), 'c'));
        bias.grad().addi(Nd4j.create(dBias, bias.grad().shape(), 'c'));
        input = null;
        taps = null;
        return dIn;
    }

    /** out += sum over taps k of taps[k] * window k of padded (window k* of tap k mirrored, if flip). */
    private void correlate(INDArray padded, INDArray taps, boolean flip, INDArray out) {
        long side = out.size(1);
        int last = kernel * kernel - 1;
        INDArray scaled = Nd4j.createUninitialized(out.dataType(), out.shape());
        for (int k = 0; k <= last; k++) {
            Broadcast.mul(tap(padded, flip ? last - k : k, side), taps.getRow(k), scaled, 3);
            out.addi(scaled);
        }
    }

    /** The token matrix as an NHWC image with kernel/2 zeros around it. */
    private INDArray padded(INDArray tokens, long batch) {
        long side = side(tokens, batch);
        int pad = kernel / 2;
        INDArray padded = Nd4j.zeros(tokens.dataType(), batch, side + 2 * pad, side + 2 * pad, tokens.size(1));
        padded.get(NDArrayIndex.all(), NDArrayIndex.interval(pad, pad + side), NDArrayIndex.interval(pad, pad + side), NDArrayIndex.all())
                .assign(tokens.reshape('c', batch, side, side, tokens.size(1)));
        return padded;
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
