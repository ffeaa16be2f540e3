package org.lit.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Decoded samples made RGB the way Pillow's {@code convert("RGB")} makes them (Convert.c), which is
 * not what Java's colour management does: Java's {@code getRGB} runs grey through a gamma curve and
 * CMYK through an ICC profile, where Pillow copies and multiplies integers. Here:
 * grey (L) is replicated; grey+alpha and RGBA drop alpha; palettes are looked up (transparency
 * ignored); 16-bit RGB keeps the high byte (Pillow unpacks "RGB;16B" so); 16-bit grey opens as
 * mode I and is clipped to 255 (i2rgb); CMYK is (255 - C)(255 - K)/255 per channel in Pillow's
 * integer MULDIV255 (cmyk2rgb), with no ICC profile, from the JPEG's raw raster.
 */
final class PilRgb {
    private PilRgb() {
    }

    /** A decoded image as TYPE_INT_RGB, from its raw samples where Java would colour-manage them. */
    static BufferedImage of(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        int type = cm.getColorSpace().getType();
        if (cm instanceof IndexColorModel || cm instanceof DirectColorModel) return copyRgb(img); // exact palette / packed 8-bit values
        if (type == ColorSpace.TYPE_GRAY) return gray(r, cm.getComponentSize(0));
        if (type == ColorSpace.TYPE_RGB) return rgb(r, cm.getComponentSize(0));
        return copyRgb(img); // other colour spaces (never met in ImageNet): Java's own conversion
    }

    /**
     * Pillow's cmyk2rgb on a JPEG's CMYK raster as stored: Adobe's polarity (255 = no ink), which
     * PIL assumes for every CMYK JPEG (rawmode "CMYK;I") and so inverts, as here.
     */
    static BufferedImage invertedCmyk(Raster r) {
        int w = r.getWidth(), h = r.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[4 * w];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int nk = px[4 * x + 3];
                int red = clip8(nk - mulDiv255(255 - px[4 * x], nk));
                int green = clip8(nk - mulDiv255(255 - px[4 * x + 1], nk));
                int blue = clip8(nk - mulDiv255(255 - px[4 * x + 2], nk));
                row[x] = red << 16 | green << 8 | blue;
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    /** Pillow's MULDIV255: a * b / 255 rounded, in integers. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static BufferedImage gray(Raster r, int bits) {
        return fromSamples(r, 1, v -> bits == 16 ? Math.min(v, 255) : bits < 8 ? v * 255 / ((1 << bits) - 1) : v);
    }

    private static BufferedImage rgb(Raster r, int bits) {
        return fromSamples(r, 3, v -> bits == 16 ? v >> 8 : v);
    }

    /** Each pixel's first bands (1: grey replicated; 3: R, G, B), each sample mapped to 8 bits. */
    private static BufferedImage fromSamples(Raster r, int bands, java.util.function.IntUnaryOperator to8) {
        int w = r.getWidth(), h = r.getHeight(), n = r.getNumBands();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[n * w];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int red = to8.applyAsInt(px[n * x]);
                row[x] = bands == 1 ? red * 0x010101 : red << 16 | to8.applyAsInt(px[n * x + 1]) << 8 | to8.applyAsInt(px[n * x + 2]);
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    private static BufferedImage copyRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) return img;
        int w = img.getWidth(), h = img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }
}
