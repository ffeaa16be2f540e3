package org.lit.core.image;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Pixel-space samples (N, 3, H, W) in [-1, 1] as one PNG grid, quantised as DiT's sample_ddp.py
 * does; tiles smaller than 64 pixels are enlarged by a whole factor (nearest neighbour, so every
 * sample pixel stays one flat square) to be seen at all.
 */
public final class SampleGrid {
    private SampleGrid() {
    }

    /** uint8(clamp(127.5 x + 128, 0, 255)): +128 then truncation, i.e. round-half-up of 127.5 x + 127.5. */
    public static int quantize(double x) {
        return (int) Math.max(0, Math.min(255, 127.5 * x + 128.0));
    }

    public static void write(INDArray images, int columns, OutputStream out) throws IOException {
        int n = (int) images.size(0), h = (int) images.size(2), w = (int) images.size(3);
        int rows = (n + columns - 1) / columns, pad = 2, zoom = Math.max(1, 64 / Math.max(h, w));
        int th = h * zoom, tw = w * zoom;
        BufferedImage grid = new BufferedImage(columns * (tw + pad) + pad, rows * (th + pad) + pad, BufferedImage.TYPE_INT_RGB);
        float[] v = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < n; i++) {
            int ox = pad + (i % columns) * (tw + pad), oy = pad + (i / columns) * (th + pad);
            for (int y = 0; y < th; y++) {
                for (int x = 0; x < tw; x++) {
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) rgb = (rgb << 8) | quantize(v[((i * 3 + c) * h + y / zoom) * w + x / zoom]);
                    grid.setRGB(ox + x, oy + y, rgb);
                }
            }
        }
        ImageIO.write(grid, "png", out);
    }
}
