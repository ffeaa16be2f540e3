package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * timm PatchEmbed: Conv2d(C, D, kernel=p, stride=p) as one GEMM on non-overlapping patches.
 * Tokens are row-major over the patch grid; a patch flattens as (channel, row, column) like the
 * conv weight (D, C, p, p).
 */
public final class PatchEmbed {
    public final Param weight;
    public final Param bias;
    private final long channels;
    private final long patch;
    private final long dim;
    private INDArray patches;

    public PatchEmbed(ParameterSet.Builder params, String name, long channels, long patch, long dim) {
        this.channels = channels;
        this.patch = patch;
        this.dim = dim;
        this.weight = params.add(name + ".weight", dim, channels, patch, patch);
        this.bias = params.add(name + ".bias", dim);
        // The reference treats the conv as a linear layer: xavier over (D, C*p*p).
        weight.initWith(Initializer.xavierUniform(channels * patch * patch, dim));
    }

    public INDArray forward(INDArray x, boolean keep) {
        long b = x.size(0), grid = x.size(2) / patch;
        INDArray p = x.reshape('c', b, channels, grid, patch, grid, patch).permute(0, 2, 4, 1, 3, 5).dup('c')
                .reshape('c', b * grid * grid, channels * patch * patch);
        INDArray y = Tokens.gemm(p, weight.value().reshape('c', dim, channels * patch * patch), false, true);
        y.addiRowVector(bias.value());
        patches = keep ? p : null;
        return y;
    }

    public void backward(INDArray dy) {
        Nd4j.gemm(dy, patches, weight.grad().reshape('c', dim, channels * patch * patch), true, false, 1.0, 1.0);
        Tokens.addColumnSums(dy, bias.grad());
        patches = null;
    }

    /** (B*T, p*p*C) tokens back to (B, C, H, W) images, as DiT's unpatchify. */
    public static INDArray unpatchify(INDArray tokens, long batch, long patch, long channels) {
        long grid = Math.round(Math.sqrt(tokens.size(0) / (double) batch));
        return tokens.reshape('c', batch, grid, grid, patch, patch, channels).permute(0, 5, 1, 3, 2, 4).dup('c')
                .reshape('c', batch, channels, grid * patch, grid * patch);
    }

    /** The inverse of {@link #unpatchify}: (B, C, H, W) to (B*T, p*p*C). */
    public static INDArray patchifyOutput(INDArray images, long patch) {
        long b = images.size(0), c = images.size(1), grid = images.size(2) / patch;
        return images.reshape('c', b, c, grid, patch, grid, patch).permute(0, 2, 4, 3, 5, 1).dup('c')
                .reshape('c', b * grid * grid, patch * patch * c);
    }

    public long macsPerSample(long tokens) {
        return tokens * channels * patch * patch * dim;
    }
}
