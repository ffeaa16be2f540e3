package org.lit.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderTest {
    @TempDir
    Path dir;

    @Test
    void syntheticSetIsDeterministicAndClassesDiffer() throws Exception {
        SyntheticShapes.write(dir.resolve("a"), 5, 32, 1);
        SyntheticShapes.write(dir.resolve("b"), 5, 32, 1);
        ImageFolder a = new ImageFolder(dir.resolve("a/train"), 32);
        ImageFolder b = new ImageFolder(dir.resolve("b/train"), 32);
        assertEquals(20, a.size());
        assertEquals(SyntheticShapes.CLASSES, a.classes());
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.image(i, false), b.image(i, false));
        assertEquals(3, a.label(15));
        // mean colour separates classes: red disc is red-dominant, green square green-dominant
        float[] red = a.image(0, false), green = a.image(5, false);
        assertTrue(channelMax(red, 0) > channelMax(red, 1) + 0.5, "red disc");
        assertTrue(channelMax(green, 1) > channelMax(green, 0) + 0.5, "green square");
        float[] flipped = a.image(0, true);
        assertEquals(red[31], flipped[0], 0f, "flip mirrors columns");
        assertNotEquals(0f, red[0] - red[16 * 32 + 16], "not a flat image");
    }

    private static float channelMax(float[] chw, int c) {
        float m = -1;
        for (int i = c * 1024; i < (c + 1) * 1024; i++) m = Math.max(m, chw[i]);
        return m;
    }

    @Test
    void corruptAndMisSizedImagesNameTheFile() throws Exception {
        SyntheticShapes.write(dir, 2, 32, 3);
        Path bad = dir.resolve("train/0-red-disc/0000.png");
        Files.write(bad, new byte[] {1, 2, 3, 4});
        ImageFolder f = new ImageFolder(dir.resolve("train"), 32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.image(0, false));
        assertTrue(e.getMessage().contains("0000.png"), e.getMessage());
        ImageFolder wrongSize = new ImageFolder(dir.resolve("train"), 64);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wrongSize.image(1, false)).getMessage().contains("expected 64x64"));
        assertThrows(IllegalArgumentException.class, () -> new ImageFolder(dir.resolve("nothing"), 32));
    }
}
