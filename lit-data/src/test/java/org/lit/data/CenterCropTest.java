package org.lit.data;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ADM's center_crop_arr against PIL 9.4's own output (fixtures of tools/reference/center_crop_reference.py). */
class CenterCropTest {
    @Test
    void cropsOfLosslessImagesMatchPilToTheBit() throws Exception {
        int pixels = 0, equal = 0;
        for (String name : ImageFixtures.LOSSLESS) {
            BufferedImage rgb = ImageDecoder.decodeRgb(ImageFixtures.bytes(name), name);
            for (int size : ImageFixtures.TARGETS) {
                byte[] crop = CenterCrop.apply(rgb, size);
                double[] c = ImageFixtures.compare(crop, ImageFixtures.pilCrop(name, size));
                System.out.printf("crop parity %-28s %3d: %.4f equal, max diff %.0f%n", name, size, c[0], c[1]);
                assertTrue(c[0] >= 0.99, name + " at " + size + ": only " + c[0] + " equal");
                assertTrue(c[1] <= 1, name + " at " + size + ": differs by " + c[1]);
                pixels += crop.length;
                equal += (int) Math.round(c[0] * crop.length);
            }
        }
        System.out.printf("crop parity overall: %d of %d samples equal (%.5f)%n", equal, pixels, (double) equal / pixels);
    }

    @Test
    void anImageOfTheTargetSizeIsItselfAndFlipMirrors() {
        byte[] hwc = new byte[5 * 5 * 3];
        for (int i = 0; i < hwc.length; i++) hwc[i] = (byte) (i * 7);
        assertArrayEquals(hwc, CenterCrop.apply(hwc, 5, 5, 5), "PIL copies an image already of the size");
        float[] chw = CenterCrop.toChw(hwc, 5, false), flipped = CenterCrop.toChw(hwc, 5, true);
        assertEquals((hwc[0] & 0xff) / 255f * 2 - 1, chw[0], 0f);
        assertEquals(chw[4], flipped[0], 0f, "flip mirrors columns");
        assertEquals(chw[25 + 5 + 1], flipped[25 + 5 + 3], 0f, "in every channel");
        assertEquals(1f, CenterCrop.toChw(new byte[] {-1, -1, -1}, 1, false)[0], 0f, "255 is 1");
        assertEquals(-1f, CenterCrop.toChw(new byte[3], 1, false)[2], 0f, "0 is -1");
    }

    @Test
    void cropTakesTheCentreOfTheLongSide() {
        // 6x2, target 2: no resize (short side 2), crop columns 2..3 of 0..5
        byte[] hwc = new byte[2 * 6 * 3];
        for (int y = 0; y < 2; y++) for (int x = 0; x < 6; x++) for (int c = 0; c < 3; c++) hwc[(y * 6 + x) * 3 + c] = (byte) (10 * x + y);
        byte[] crop = CenterCrop.apply(hwc, 6, 2, 2);
        assertEquals(20, crop[0]);
        assertEquals(31, crop[(2 + 1) * 3]);
        assertThrows(IllegalArgumentException.class, () -> CenterCrop.apply(hwc, 5, 2, 2));
    }
}
