package org.lit.data;

import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * What Java's JPEG decoders do differently from libjpeg under PIL, made right from the file's
 * markers: whether the file is complete, the ICC profile (PIL ignores it), and libjpeg's YCCK to
 * CMYK step, which TwelveMonkeys' readRaster skips (it returns YCCK samples as stored).
 */
final class JpegMarkers {
    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);

    private JpegMarkers() {
    }

    /**
     * Whether a JPEG's last scan is followed by EOI (FFD9). Inside entropy-coded data a 0xFF is
     * always followed by 00 or a restart marker, so an FFD9 after the last SOS (FFDA) is the end
     * marker, whatever padding follows it; a file cut inside a scan has none. The JDK's decoder
     * fills such a file's missing rows with grey and only warns.
     */
    static boolean hasEndMarker(byte[] b) {
        int lastScan = -1;
        for (int i = b.length - 2; i >= 0 && lastScan < 0; i--) if (b[i] == (byte) 0xff && b[i + 1] == (byte) 0xda) lastScan = i;
        for (int i = Math.max(lastScan, 0); i < b.length - 1; i++) if (b[i] == (byte) 0xff && b[i + 1] == (byte) 0xd9) return true;
        return false;
    }

    /** The transform byte of the Adobe APP14 segment (0 none/CMYK, 1 YCbCr, 2 YCCK), or -1 without one. */
    static int adobeTransform(byte[] b) {
        int at = findSegment(b, 0xee, "Adobe", 0);
        return at >= 0 && at + 16 <= b.length ? b[at + 15] & 0xff : -1;
    }

    /**
     * The JPEG without its ICC profile (APP2 "ICC_PROFILE" segments), or b itself if it has none.
     * Java's readers convert a tagged file's colours into sRGB (rocket.jpg, tagged Adobe RGB, moves
     * by 6 levels on average); PIL's convert("RGB") ignores the profile. Without it, Java's
     * decoder gives libjpeg's own YCbCr-to-RGB values.
     */
    static byte[] withoutIccProfile(byte[] b) {
        int at = findSegment(b, 0xe2, "ICC_PROFILE", 0);
        if (at < 0) return b;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
        int from = 0;
        for (; at >= 0; at = findSegment(b, 0xe2, "ICC_PROFILE", at)) {
            out.write(b, from, at - from);
            from = at + 2 + ((b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff));
        }
        out.write(b, from, b.length - from);
        return out.toByteArray();
    }

    /** Offset of the first segment at or after `after` (0: from the start) with this marker whose data starts with tag; -1 if none before the first scan. */
    private static int findSegment(byte[] b, int marker, String tag, int after) {
        int i = 2; // after SOI
        while (i + 4 <= b.length && (b[i] & 0xff) == 0xff) {
            int m = b[i + 1] & 0xff;
            if (m == 0xff) {
                i++; // fill byte
                continue;
            }
            if (m == 0xda || m == 0xd9) break;
            int length = (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
            if (i > after && m == marker && i + 4 + tag.length() <= b.length
                    && new String(b, i + 4, tag.length(), java.nio.charset.StandardCharsets.ISO_8859_1).equals(tag)) {
                return i;
            }
            i += 2 + length;
        }
        return -1;
    }

    /**
     * libjpeg's ycck_cmyk_convert (jdcolor.c, the same in libjpeg-turbo): YCbCr to RGB in 16-bit
     * fixed point from its tables, C, M, Y = 255 - R, G, B clamped, K passed through. The result
     * is CMYK as stored (Adobe polarity).
     */
    static WritableRaster ycckToCmyk(Raster ycck) {
        WritableRaster out = ycck.createCompatibleWritableRaster();
        int w = ycck.getWidth(), h = ycck.getHeight();
        int[] px = new int[4 * w];
        for (int y = 0; y < h; y++) {
            ycck.getPixels(ycck.getMinX(), ycck.getMinY() + y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int luma = px[4 * x], cb = px[4 * x + 1] - 128, cr = px[4 * x + 2] - 128;
                int red = luma + ((fix(1.40200) * cr + ONE_HALF) >> SCALE_BITS);
                int green = luma + ((-fix(0.34414) * cb + ONE_HALF - fix(0.71414) * cr) >> SCALE_BITS);
                int blue = luma + ((fix(1.77200) * cb + ONE_HALF) >> SCALE_BITS);
                px[4 * x] = clamp(255 - red);
                px[4 * x + 1] = clamp(255 - green);
                px[4 * x + 2] = clamp(255 - blue);
            }
            out.setPixels(0, y, w, 1, px);
        }
        return out;
    }

    /** libjpeg's FIX(x): x in 16-bit fixed point, rounded. */
    private static int fix(double x) {
        return (int) (x * (1L << SCALE_BITS) + 0.5);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
