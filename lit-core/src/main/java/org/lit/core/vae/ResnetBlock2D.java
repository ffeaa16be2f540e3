package org.lit.core.vae;

/**
 * diffusers ResnetBlock2D without a time embedding (temb is None in the VAE), dropout 0,
 * output_scale_factor 1: conv2(SiLU(GN(conv1(SiLU(GN(x)))))) + shortcut, where the shortcut is a
 * 1x1 conv only when the channel count changes.
 */
final class ResnetBlock2D {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d shortcut;

    ResnetBlock2D(VaeWeights weights, String name, long in, long out, long groups) {
        this.norm1 = new GroupNorm(weights, name + ".norm1", in, groups);
        this.conv1 = new Conv2d(weights, name + ".conv1", in, out, 3);
        this.norm2 = new GroupNorm(weights, name + ".norm2", out, groups);
        this.conv2 = new Conv2d(weights, name + ".conv2", out, out, 3);
        this.shortcut = in != out ? new Conv2d(weights, name + ".conv_shortcut", in, out, 1) : null;
    }

    Planes forward(Planes x) {
        Planes y = conv2.forward(norm2.forward(conv1.forward(norm1.forward(x, true)), true, true));
        y.matrix().addi((shortcut != null ? shortcut.forward(x) : x).matrix());   // zero borders add to zero
        return y;
    }
}
