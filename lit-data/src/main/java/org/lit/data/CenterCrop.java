package org.lit.data;

import java.awt.image.BufferedImage;

/**
 * ADM's ImageNet preprocessing, {@code center_crop_arr} of openai/guided-diffusion (copied by DiT's
 * train.py), on Pillow's arithmetic: BOX halvings while the short side is at least twice the
 * target, one BICUBIC resize bringing the short side to the target (sizes rounded half-to-even, as
 * Python's round), then the centre crop. Images smaller than the target are upsampled by the
 * same BICUBIC step. The result is HWC uint8, what {@code np.array} of the crop holds.
 */
public final class CenterCrop {
    private CenterCrop() {
    }

    /** The size x size x 3 crop of an RGB image as {@link ImageDecoder} returns it (of another type: its getRGB values). */
    public static byte[] apply(BufferedImage rgb, int size) {
        return apply(hwc(rgb), rgb.getWidth(), rgb.getHeight(), size);
    }

    /** The size x size x 3 crop of height x width x 3 RGB bytes. */
    public static byte[] apply(byte[] hwc, int width, int height, int size) {
        if (size < 1) throw new IllegalArgumentException("crop size must be positive, got " + size);
        if (hwc.length != width * height * 3) {
            throw new IllegalArgumentException(hwc.length + " bytes are not a " + width + "x" + height + " RGB image");
        }
        byte[] img = hwc;
        int w = width, h = height;
        while (Math.min(w, h) >= 2 * size) {
            img = PilResample.resize(img, w, h, w / 2, h / 2, PilResample.Filter.BOX);
            w /= 2;
            h /= 2;
        }
        double scale = (double) size / Math.min(w, h);
        int nw = (int) Math.rint(w * scale), nh = (int) Math.rint(h * scale);
        img = PilResample.resize(img, w, h, nw, nh, PilResample.Filter.BICUBIC);
        int top = Math.floorDiv(nh - size, 2), left = Math.floorDiv(nw - size, 2);
        byte[] out = new byte[size * size * 3];
        for (int y = 0; y < size; y++) System.arraycopy(img, ((top + y) * nw + left) * 3, out, y * size * 3, size * 3);
        return out;
    }

    /**
     * HWC uint8 of a size x size crop as float CHW in [-1, 1]: torchvision's ToTensor then
     * Normalize(0.5, 0.5), optionally flipped left-right first (RandomHorizontalFlip after the crop).
     */
    public static float[] toChw(byte[] hwc, int size, boolean flip) {
        if (hwc.length != size * size * 3) throw new IllegalArgumentException(hwc.length + " bytes are not a " + size + "x" + size + " RGB crop");
        float[] chw = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int src = (y * size + (flip ? size - 1 - x : x)) * 3;
                for (int c = 0; c < 3; c++) chw[(c * size + y) * size + x] = (hwc[src + c] & 0xff) / 255f * 2f - 1f;
            }
        }
        return chw;
    }

    /** The RGB samples of an image as height x width x 3 bytes (alpha, if any, dropped). */
    static byte[] hwc(BufferedImage rgb) {
        int w = rgb.getWidth(), h = rgb.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            rgb.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                out[o] = (byte) (row[x] >> 16);
                out[o + 1] = (byte) (row[x] >> 8);
                out[o + 2] = (byte) row[x];
            }
        }
        return out;
    }
}
