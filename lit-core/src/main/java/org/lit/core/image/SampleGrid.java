package org.lit.core.image;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Samples as images: quantised to uint8 as DiT's sample_ddp.py does, and laid out as one PNG grid;
 * tiles smaller than 64 pixels are enlarged by a whole factor (nearest neighbour, so every sample
 * pixel stays one flat square) to be seen at all.
 */
public final class SampleGrid {
    private SampleGrid() {
    }

    /**
     * uint8(clamp(127.5 x + 128, 0, 255)) in float32 arithmetic, as torch computes it on float32
     * samples: two roundings, then truncation. (In double, 11 of 2M uniform draws land one lower.)
     */
    public static int quantize(float x) {
        float v = 127.5f * x + 128.0f;
        return (int) Math.max(0f, Math.min(255f, v));
    }

    /** Images (N, 3, H, W) in [-1, 1] to ADM's arr_0 layout: uint8 (N, H, W, 3), C order. */
    public static byte[] toUint8Nhwc(INDArray images) {
        int n = (int) images.size(0), h = (int) images.size(2), w = (int) images.size(3);
        float[] v = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
        byte[] out = new byte[v.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < h * w; p++) out[(i * h * w + p) * 3 + c] = (byte) quantize(v[(i * 3 + c) * h * w + p]);
            }
        }
        return out;
    }

    /** Images (N, 3, H, W) in [-1, 1] as a grid of the given number of columns. */
    public static void write(INDArray images, int columns, OutputStream out) throws IOException {
        ImageIO.write(image(images, columns), "png", out);
    }

    /** n uint8 images (H, W, 3), one after another, as a grid of the given number of columns. */
    public static void write(byte[] nhwc, int n, int h, int w, int columns, OutputStream out) throws IOException {
        ImageIO.write(image(nhwc, n, h, w, columns), "png", out);
    }

    /** Images (N, 3, H, W) in [-1, 1] as a grid image of the given number of columns. */
    public static BufferedImage image(INDArray images, int columns) {
        return image(toUint8Nhwc(images), (int) images.size(0), (int) images.size(2), (int) images.size(3), columns);
    }

    /** The grid as an image: tiles 2 pixels apart, enlarged to at least 64 pixels. */
    public static BufferedImage image(byte[] nhwc, int n, int h, int w, int columns) {
        int rows = (n + columns - 1) / columns, pad = 2, zoom = Math.max(1, 64 / Math.max(h, w));
        int th = h * zoom, tw = w * zoom;
        BufferedImage grid = new BufferedImage(columns * (tw + pad) + pad, rows * (th + pad) + pad, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < n; i++) {
            int ox = pad + (i % columns) * (tw + pad), oy = pad + (i / columns) * (th + pad);
            for (int y = 0; y < th; y++) {
                for (int x = 0; x < tw; x++) {
                    int at = ((i * h + y / zoom) * w + x / zoom) * 3;
                    grid.setRGB(ox + x, oy + y, (nhwc[at] & 0xff) << 16 | (nhwc[at + 1] & 0xff) << 8 | (nhwc[at + 2] & 0xff));
                }
            }
        }
        return grid;
    }
}
