package org.lit.data;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Image file bytes to RGB pixels, as torchvision's pil_loader ({@code Image.open(f).convert("RGB")})
 * gives them: JPEG (baseline, progressive, grey, CMYK and YCCK through TwelveMonkeys' reader,
 * which ImageIO prefers to the JDK's), PNG (8/16-bit, grey, palette, alpha dropped), BMP, TIFF,
 * and binary PGM/PPM. A file that is corrupt, truncated, or no image at all is a
 * {@link BadImageException} saying which: Java's JPEG decoder would only warn on a truncated file
 * and return it half grey, and PIL refuses it ("image file is truncated"), so this refuses it too.
 */
public final class ImageDecoder {
    /** PIL's DecompressionBombError threshold (2 x MAX_IMAGE_PIXELS): larger images are refused before decoding. */
    static final long MAX_PIXELS = 2L * 89_478_485;

    static {
        // ImageIO registers the plugins its first user's context class loader sees. On a Spark
        // executor this jar (and TwelveMonkeys in it) sits in a child loader: rescan from ours, or
        // CMYK JPEGs would fall to the JDK reader, which refuses them.
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        try {
            t.setContextClassLoader(ImageDecoder.class.getClassLoader());
            ImageIO.scanForPlugins();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    private ImageDecoder() {
    }

    /** The image in bytes as TYPE_INT_RGB; name (the file's path) is for messages. */
    public static BufferedImage decodeRgb(byte[] bytes, String name) throws BadImageException {
        if (bytes.length == 0) throw new BadImageException(name, "empty file");
        if (Pnm.isPnm(bytes)) return Pnm.decode(bytes, name);
        if (bytes.length > 2 && bytes[0] == (byte) 0xff && bytes[1] == (byte) 0xd8) bytes = JpegMarkers.withoutIccProfile(bytes);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new BadImageException(name, unknownFormat(bytes));
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toUpperCase(java.util.Locale.ROOT);
                reader.setInput(in, true, false);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) throw new BadImageException(name, format + " of " + pixels + " pixels exceeds " + MAX_PIXELS + " (PIL refuses it as a decompression bomb)");
                BufferedImage rgb = isCmyk(reader) ? PilRgb.invertedCmyk(cmykRaster(reader, bytes)) : PilRgb.of(reader.read(0));
                if (format.equals("JPEG") && !JpegMarkers.hasEndMarker(bytes)) throw new BadImageException(name, "truncated JPEG (no EOI marker)");
                if (!warnings.isEmpty()) throw new BadImageException(name, "corrupt " + format + ": " + String.join("; ", warnings));
                return rgb;
            } finally {
                reader.dispose();
            }
        } catch (BadImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders meet hostile bytes with any exception (IIOException, EOF, IndexOutOfBounds, NegativeArraySize...).
            throw new BadImageException(name, "corrupt or truncated image: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    /** TwelveMonkeys reports CMYK and YCCK JPEGs with a CMYK raw type (its read() would then apply an ICC profile; PIL does not). */
    private static boolean isCmyk(ImageReader reader) throws IOException {
        ImageTypeSpecifier raw = reader.getRawImageType(0);
        return raw != null && raw.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK;
    }

    /** A CMYK JPEG's samples as stored; a YCCK one's (Adobe transform 2) converted as libjpeg converts them for PIL. */
    private static Raster cmykRaster(ImageReader reader, byte[] bytes) throws IOException {
        Raster raw = reader.readRaster(0, null);
        return JpegMarkers.adobeTransform(bytes) == 2 ? JpegMarkers.ycckToCmyk(raw) : raw;
    }

    /** Why no reader took the bytes: a known format this build cannot read, or not an image at all. */
    private static String unknownFormat(byte[] b) {
        String head = new String(b, 0, Math.min(12, b.length), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (head.startsWith("RIFF") && head.endsWith("WEBP")) return "unsupported format: WebP (no decoder in this build)";
        if (head.startsWith("P1") || head.startsWith("P2") || head.startsWith("P3") || head.startsWith("P4")) return "unsupported format: text or 1-bit PNM (only binary 8-bit P5/P6)";
        return "not an image (no decoder knows its first bytes " + head(b) + ")";
    }

    private static String head(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.length); i++) s.append(String.format("%02x", b[i] & 0xff));
        return s.toString();
    }
}
