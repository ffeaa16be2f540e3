package org.lit.core.image;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SampleGridTest {
    @Test
    void quantisesAsTheReferenceAndEnlargesSmallTilesByWholeFactors() throws Exception {
        assertEquals(255, SampleGrid.quantize(1.0f));
        assertEquals(0, SampleGrid.quantize(-1.0f));
        assertEquals(128, SampleGrid.quantize(0.0f));                // trunc(128.0)
        // torch.clamp(127.5 * x + 128.0, 0, 255).to(torch.uint8) on these float32 values gives 251, 196, 197
        // (torch 1.13); the same formula in double gives 250, 195, 196.
        assertEquals(251, SampleGrid.quantize(Float.intBitsToFloat(1064761078)));
        assertEquals(196, SampleGrid.quantize(Float.intBitsToFloat(1057523848)));
        assertEquals(197, SampleGrid.quantize(Float.intBitsToFloat(1057655434)));
        INDArray images = Nd4j.zeros(DataType.FLOAT, 3, 3, 16, 16);  // 16 px tiles: x4 to 64
        images.putScalar(new long[] {1, 0, 2, 5}, 1.0);             // sample 1, red, row 2, column 5
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        SampleGrid.write(images, 2, png);
        BufferedImage grid = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertEquals(2 * (64 + 2) + 2, grid.getWidth());
        assertEquals(2 * (64 + 2) + 2, grid.getHeight());
        int ox = 2 + 66, oy = 2;                                     // sample 1: first row, second column
        for (int dy = 0; dy < 4; dy++) {
            for (int dx = 0; dx < 4; dx++) assertEquals(0xFF8080, grid.getRGB(ox + 5 * 4 + dx, oy + 2 * 4 + dy) & 0xFFFFFF);
        }
        assertEquals(0x808080, grid.getRGB(ox + 6 * 4, oy + 2 * 4) & 0xFFFFFF);
    }
}
