package org.lit.eval.inception;

import java.util.ArrayList;
import java.util.List;

/**
 * The FID Inception-v3's 94 conv + batch-norm layers (torchvision's BasicConv2d), each under its
 * pytorch-fid module path and its scope in the 2015 TensorFlow graph (the map of torch-fidelity's
 * utils/util_convert_inception_weights.py), with the conv weight's OIHW shape. Listed in module order,
 * block by block as torchvision's inception.py builds them; pytorch-fid's FID blocks change only the
 * pooling in forward(), not the layers.
 */
final class InceptionLayers {
    /** One BasicConv2d: {@code <torch>.conv.weight} [out, in, kh, kw] and {@code <torch>.bn.*} [out]. */
    record Layer(String torch, String tf, long out, long in, long kh, long kw) {
        long[] convShape() {
            return new long[] {out, in, kh, kw};
        }
    }

    static final int CLASSES = 1008;
    static final int FEATURES = 2048;
    static final List<Layer> ALL = build();

    private final List<Layer> layers = new ArrayList<>();

    private InceptionLayers() {
    }

    private static List<Layer> build() {
        InceptionLayers b = new InceptionLayers();
        b.conv("Conv2d_1a_3x3", "conv", 3, 32, 3, 3);
        b.conv("Conv2d_2a_3x3", "conv_1", 32, 32, 3, 3);
        b.conv("Conv2d_2b_3x3", "conv_2", 32, 64, 3, 3);
        b.conv("Conv2d_3b_1x1", "conv_3", 64, 80, 1, 1);
        b.conv("Conv2d_4a_3x3", "conv_4", 80, 192, 3, 3);
        b.inceptionA("Mixed_5b", "mixed", 192, 32);
        b.inceptionA("Mixed_5c", "mixed_1", 256, 64);
        b.inceptionA("Mixed_5d", "mixed_2", 288, 64);
        b.inceptionB("Mixed_6a", "mixed_3", 288);
        b.inceptionC("Mixed_6b", "mixed_4", 768, 128);
        b.inceptionC("Mixed_6c", "mixed_5", 768, 160);
        b.inceptionC("Mixed_6d", "mixed_6", 768, 160);
        b.inceptionC("Mixed_6e", "mixed_7", 768, 192);
        b.inceptionD("Mixed_7a", "mixed_8", 768);
        b.inceptionE("Mixed_7b", "mixed_9", 1280);
        b.inceptionE("Mixed_7c", "mixed_10", 2048);
        return List.copyOf(b.layers);
    }

    private void conv(String torch, String tf, long in, long out, long kh, long kw) {
        layers.add(new Layer(torch, tf, out, in, kh, kw));
    }

    private void inceptionA(String t, String tf, long in, long poolFeatures) {
        conv(t + ".branch1x1", tf + "/conv", in, 64, 1, 1);
        conv(t + ".branch5x5_1", tf + "/tower/conv", in, 48, 1, 1);
        conv(t + ".branch5x5_2", tf + "/tower/conv_1", 48, 64, 5, 5);
        conv(t + ".branch3x3dbl_1", tf + "/tower_1/conv", in, 64, 1, 1);
        conv(t + ".branch3x3dbl_2", tf + "/tower_1/conv_1", 64, 96, 3, 3);
        conv(t + ".branch3x3dbl_3", tf + "/tower_1/conv_2", 96, 96, 3, 3);
        conv(t + ".branch_pool", tf + "/tower_2/conv", in, poolFeatures, 1, 1);
    }

    private void inceptionB(String t, String tf, long in) {
        conv(t + ".branch3x3", tf + "/conv", in, 384, 3, 3);
        conv(t + ".branch3x3dbl_1", tf + "/tower/conv", in, 64, 1, 1);
        conv(t + ".branch3x3dbl_2", tf + "/tower/conv_1", 64, 96, 3, 3);
        conv(t + ".branch3x3dbl_3", tf + "/tower/conv_2", 96, 96, 3, 3);
    }

    private void inceptionC(String t, String tf, long in, long c7) {
        conv(t + ".branch1x1", tf + "/conv", in, 192, 1, 1);
        conv(t + ".branch7x7_1", tf + "/tower/conv", in, c7, 1, 1);
        conv(t + ".branch7x7_2", tf + "/tower/conv_1", c7, c7, 1, 7);
        conv(t + ".branch7x7_3", tf + "/tower/conv_2", c7, 192, 7, 1);
        conv(t + ".branch7x7dbl_1", tf + "/tower_1/conv", in, c7, 1, 1);
        conv(t + ".branch7x7dbl_2", tf + "/tower_1/conv_1", c7, c7, 7, 1);
        conv(t + ".branch7x7dbl_3", tf + "/tower_1/conv_2", c7, c7, 1, 7);
        conv(t + ".branch7x7dbl_4", tf + "/tower_1/conv_3", c7, c7, 7, 1);
        conv(t + ".branch7x7dbl_5", tf + "/tower_1/conv_4", c7, 192, 1, 7);
        conv(t + ".branch_pool", tf + "/tower_2/conv", in, 192, 1, 1);
    }

    private void inceptionD(String t, String tf, long in) {
        conv(t + ".branch3x3_1", tf + "/tower/conv", in, 192, 1, 1);
        conv(t + ".branch3x3_2", tf + "/tower/conv_1", 192, 320, 3, 3);
        conv(t + ".branch7x7x3_1", tf + "/tower_1/conv", in, 192, 1, 1);
        conv(t + ".branch7x7x3_2", tf + "/tower_1/conv_1", 192, 192, 1, 7);
        conv(t + ".branch7x7x3_3", tf + "/tower_1/conv_2", 192, 192, 7, 1);
        conv(t + ".branch7x7x3_4", tf + "/tower_1/conv_3", 192, 192, 3, 3);
    }

    /** Mixed_7b and 7c: the 3x3 branches split into 1x3 and 3x1 convs, TF's inner "mixed" scopes. */
    private void inceptionE(String t, String tf, long in) {
        conv(t + ".branch1x1", tf + "/conv", in, 320, 1, 1);
        conv(t + ".branch3x3_1", tf + "/tower/conv", in, 384, 1, 1);
        conv(t + ".branch3x3_2a", tf + "/tower/mixed/conv", 384, 384, 1, 3);
        conv(t + ".branch3x3_2b", tf + "/tower/mixed/conv_1", 384, 384, 3, 1);
        conv(t + ".branch3x3dbl_1", tf + "/tower_1/conv", in, 448, 1, 1);
        conv(t + ".branch3x3dbl_2", tf + "/tower_1/conv_1", 448, 384, 3, 3);
        conv(t + ".branch3x3dbl_3a", tf + "/tower_1/mixed/conv", 384, 384, 1, 3);
        conv(t + ".branch3x3dbl_3b", tf + "/tower_1/mixed/conv_1", 384, 384, 3, 1);
        conv(t + ".branch_pool", tf + "/tower_2/conv", in, 192, 1, 1);
    }
}
