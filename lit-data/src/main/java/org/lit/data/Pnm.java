package org.lit.data;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;

/**
 * Binary PGM (P5) and PPM (P6) with 8-bit samples: in torchvision's IMG_EXTENSIONS, but ImageIO
 * has no reader for them. Grey is replicated, as PIL's L -> RGB.
 */
final class Pnm {
    private Pnm() {
    }

    static boolean isPnm(byte[] b) {
        return b.length > 2 && b[0] == 'P' && (b[1] == '5' || b[1] == '6') && Character.isWhitespace(b[2]);
    }

    static BufferedImage decode(byte[] b, String name) throws BadImageException {
        int channels = b[1] == '5' ? 1 : 3;
        int[] header = new int[3]; // width, height, maxval
        int pos = 2;
        for (int field = 0; field < 3; field++) {
            while (pos < b.length && (Character.isWhitespace(b[pos]) || b[pos] == '#')) {
                if (b[pos] == '#') while (pos < b.length && b[pos] != '\n') pos++;
                else pos++;
            }
            int start = pos;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') pos++;
            if (start == pos || pos - start > 9) throw new BadImageException(name, "corrupt P" + (char) b[1] + " header");
            header[field] = Integer.parseInt(new String(b, start, pos - start, StandardCharsets.US_ASCII));
        }
        int w = header[0], h = header[1];
        if (header[2] != 255) throw new BadImageException(name, "unsupported P" + (char) b[1] + " maximum value " + header[2] + " (only 8-bit, 255)");
        if (w < 1 || h < 1 || (long) w * h > ImageDecoder.MAX_PIXELS) throw new BadImageException(name, "P" + (char) b[1] + " of " + w + "x" + h + " pixels refused");
        pos++; // the single whitespace after maxval
        if (b.length - pos < (long) w * h * channels) throw new BadImageException(name, "truncated P" + (char) b[1] + " (" + (b.length - pos) + " of " + (long) w * h * channels + " sample bytes)");
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = pos + (y * w + x) * channels;
                int rgb = channels == 1 ? (b[p] & 0xff) * 0x010101 : (b[p] & 0xff) << 16 | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff);
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }
}
