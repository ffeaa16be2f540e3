package org.lit.data;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every image kind as PIL's convert("RGB") gives it, and bad files refused with a reason. */
class ImageDecoderTest {
    @Test
    void jpegsDecodeCloseToLibjpeg() throws Exception {
        for (String name : ImageFixtures.JPEGS) {
            BufferedImage rgb = ImageDecoder.decodeRgb(ImageFixtures.bytes(name), name);
            assertEquals(BufferedImage.TYPE_INT_RGB, rgb.getType());
            byte[] pil = ImageFixtures.pilRgb(name);
            assertEquals(pil.length, rgb.getWidth() * rgb.getHeight() * 3, name + " size");
            double[] d = ImageFixtures.compare(CenterCrop.hwc(rgb), pil);
            System.out.printf("decode %-24s %dx%d: %.4f equal, mean abs diff %.3f, max %.0f%n", name, rgb.getWidth(), rgb.getHeight(), d[0], d[2], d[1]);
            assertTrue(d[2] < 2, name + ": mean abs diff " + d[2] + " from PIL's decode");
            for (int size : ImageFixtures.TARGETS) {
                double[] c = ImageFixtures.compare(CenterCrop.apply(rgb, size), ImageFixtures.pilCrop(name, size));
                assertTrue(c[2] < 2, name + " crop " + size + ": mean abs diff " + c[2]);
            }
        }
    }

    @Test
    void greyImagesAreReplicatedNotGammaCorrected() throws Exception {
        BufferedImage gray = ImageDecoder.decodeRgb(ImageFixtures.bytes("rocket-gray.jpg"), "gray");
        for (int x = 0; x < gray.getWidth(); x += 7) {
            int p = gray.getRGB(x, 10);
            assertEquals(p & 0xff, (p >> 8) & 0xff);
            assertEquals(p & 0xff, (p >> 16) & 0xff);
        }
        // 16-bit grey: PIL opens mode I and clips to 255 on convert("RGB"); the ramp has values 0..699
        BufferedImage ramp = ImageDecoder.decodeRgb(ImageFixtures.bytes("ramp-gray16-52x34.png"), "ramp");
        assertEquals(37 * 3 + 11 * 2, ramp.getRGB(3, 2) & 0xff);
        assertEquals(255, ramp.getRGB(10, 0) & 0xff, "370 clips to 255");
    }

    @Test
    void cmykJpegsNeedTwelveMonkeys() throws Exception {
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(ImageFixtures.bytes("rocket-cmyk.jpg")))) {
            ImageReader first = ImageIO.getImageReaders(in).next();
            assertTrue(first.getClass().getName().startsWith("com.twelvemonkeys"), "ImageIO prefers " + first.getClass().getName());
        }
    }

    @Test
    void badFilesAreRefusedWithAReason() {
        assertReason("truncated.jpg", ImageFixtures.bytes("truncated.jpg"), "truncated JPEG");
        assertReason("random-bytes.JPEG", ImageFixtures.bytes("random-bytes.JPEG"), "not an image");
        assertReason("empty.png", new byte[0], "empty file");
        assertReason("a.webp", "RIFF\0\0\0\0WEBPVP8 ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "unsupported format: WebP");
        byte[] png = ImageFixtures.bytes("chelsea-97x131.png");
        assertReason("cut.png", Arrays.copyOf(png, png.length / 2), "corrupt");
        byte[] header = Arrays.copyOf(png, 40);
        assertReason("header-only.png", header, "corrupt");
        byte[] ppm = ImageFixtures.bytes("coffee-29x38.ppm");
        assertReason("cut.ppm", Arrays.copyOf(ppm, 300), "truncated P6");
        // cut inside the scan, with an end marker glued on: the decoder's own warning gives it away
        byte[] cut = ImageFixtures.bytes("truncated.jpg");
        byte[] glued = Arrays.copyOf(cut, cut.length + 2);
        glued[cut.length] = (byte) 0xff;
        glued[cut.length + 1] = (byte) 0xd9;
        assertReason("glued.jpg", glued, "corrupt JPEG");
        // a JPEG whose scan data is damaged but complete: the decoder's warning is the reason
        byte[] jpeg = ImageFixtures.bytes("rocket-baseline.jpg").clone();
        for (int i = jpeg.length / 2; i < jpeg.length / 2 + 40; i++) jpeg[i] = (byte) 0xff;
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decodeRgb(jpeg, "damaged.jpg"));
        assertTrue(e.getMessage().startsWith("damaged.jpg: "), e.getMessage());
    }

    @Test
    void endMarkerIsLookedForAfterTheLastScan() {
        byte[] jpeg = ImageFixtures.bytes("rocket-progressive.JPEG");
        assertTrue(JpegMarkers.hasEndMarker(jpeg));
        byte[] padded = Arrays.copyOf(jpeg, jpeg.length + 500);
        assertTrue(JpegMarkers.hasEndMarker(padded), "padding after EOI is allowed");
        assertFalse(JpegMarkers.hasEndMarker(Arrays.copyOf(jpeg, jpeg.length - 2)));
        assertFalse(JpegMarkers.hasEndMarker(Arrays.copyOf(jpeg, jpeg.length * 4 / 5)), "cut inside a later scan");
    }

    @Test
    void iccProfilesAreIgnoredAsPilIgnoresThem() throws Exception {
        byte[] tagged = ImageFixtures.bytes("rocket-adobergb.jpg");
        byte[] stripped = JpegMarkers.withoutIccProfile(tagged);
        String text = new String(stripped, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("ICC_PROFILE"));
        assertTrue(new String(tagged, java.nio.charset.StandardCharsets.ISO_8859_1).contains("ICC_PROFILE"));
        assertTrue(tagged.length - stripped.length > 500, "the Adobe RGB profile is about 560 bytes");
        byte[] plain = ImageFixtures.bytes("rocket-baseline.jpg");
        assertTrue(plain == JpegMarkers.withoutIccProfile(plain), "untagged files are passed through");
        // the same pixels as the untagged file: the profile changed nothing but the tag
        assertEquals(1.0, ImageFixtures.compare(CenterCrop.hwc(ImageDecoder.decodeRgb(tagged, "tagged")), CenterCrop.hwc(ImageDecoder.decodeRgb(plain, "plain")))[0]);
    }

    private static void assertReason(String name, byte[] bytes, String reason) {
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decodeRgb(bytes, name));
        System.out.println("refused " + e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        assertEquals(new SkippedFile(name, e.reason()), e.skipped());
    }
}
