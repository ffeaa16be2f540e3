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
    void corruptImageIsSkippedAtConstructionNamingTheFile() throws Exception {
        SyntheticShapes.write(dir, 2, 32, 3);
        Path bad = dir.resolve("train/0-red-disc/0000.png");
        byte[] good = Files.readAllBytes(dir.resolve("train/0-red-disc/0001.png"));
        Files.write(bad, java.util.Arrays.copyOf(good, good.length / 2)); // a PNG cut in half
        ImageFolder f = new ImageFolder(dir.resolve("train"), 32);
        assertEquals(7, f.size(), "8 files, one skipped");
        assertEquals(1, f.skipped().size());
        assertEquals(bad.toUri().toString().replace("file:///", "file:/"), f.skipped().get(0).path());
        assertTrue(f.skipped().get(0).reason().contains("corrupt"), f.skipped().get(0).reason());
        assertEquals(0, f.label(0), "the disc's other image stays first");
        assertEquals(1, f.label(1));
        for (int i = 0; i < f.size(); i++) assertEquals(3 * 32 * 32, f.image(i, i % 2 == 0).length);
        assertThrows(IllegalArgumentException.class, () -> new ImageFolder(dir.resolve("nothing"), 32));
    }

    @Test
    void imagesOfAnotherSizeAreCentreCropped() throws Exception {
        SyntheticShapes.write(dir, 1, 32, 5);
        ImageFolder full = new ImageFolder(dir.resolve("train"), 32);
        ImageFolder small = new ImageFolder(dir.resolve("train"), 16);
        assertEquals(4, small.size());
        float[] a = full.image(2, false), b = small.image(2, false);
        assertEquals(3 * 16 * 16, b.length);
        // 32 -> 16 is one BOX halving: pairs of columns averaged and rounded half up, then pairs of rows
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 16; y += 5) {
                for (int x = 0; x < 16; x += 3) {
                    long[] rows = new long[2];
                    for (int dy = 0; dy < 2; dy++) rows[dy] = (byte8(a, c, 2 * y + dy, 2 * x) + byte8(a, c, 2 * y + dy, 2 * x + 1) + 1) / 2;
                    assertEquals((rows[0] + rows[1] + 1) / 2, byte8(b, c, y, x, 16), "channel " + c + " at " + x + "," + y);
                }
            }
        }
    }

    private static long byte8(float[] chw, int c, int y, int x) {
        return byte8(chw, c, y, x, 32);
    }

    private static long byte8(float[] chw, int c, int y, int x, int size) {
        return Math.round((chw[(c * size + y) * size + x] + 1) / 2 * 255);
    }
}
