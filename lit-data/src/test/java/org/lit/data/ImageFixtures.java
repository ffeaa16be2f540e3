package org.lit.data;

import org.lit.core.io.Npy;
import org.lit.core.io.Npz;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The images and PIL's answers that tools/reference/center_crop_reference.py writes (test resources, images/). */
public final class ImageFixtures {
    /** Lossless sources: their crops must equal PIL's. */
    public static final String[] LOSSLESS = {"astronaut-301x203.png", "chelsea-97x131.png", "coffee-40x28.png", "camera-gray-123x89.png",
            "astronaut-rgba-77x66.png", "chelsea-palette-90x70.png", "ramp-gray16-52x34.png", "camera-la-71x47.png", "rocket-45x33.bmp",
            "noise-67x45.png", "coffee-29x38.ppm", "coffee-gray-33x21.pgm", "chelsea-adobergb-50x40.png"};
    /** JPEGs: libjpeg and Java's decoder differ by a level here and there, so these are compared by closeness. */
    public static final String[] JPEGS = {"rocket-baseline.jpg", "rocket-progressive.JPEG", "rocket-gray.jpg", "rocket-cmyk.jpg", "rocket-ycck.jpg", "rocket-adobergb.jpg"};
    public static final int[] TARGETS = {7, 32, 48, 64};

    private ImageFixtures() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = ImageFixtures.class.getResourceAsStream("/images/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource images/" + name + " (tools/reference/center_crop_reference.py)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PIL's center_crop_arr of the image at a target, as HWC bytes. */
    public static byte[] pilCrop(String name, int size) {
        Map<String, INDArray> crops = Npz.read(bytes(name + ".crops.npz"), name);
        return uint8(crops.get("crop_" + size));
    }

    /** PIL's decode of a JPEG, converted to RGB, as HWC bytes. */
    public static byte[] pilRgb(String name) {
        return uint8(Npy.read(bytes(name + ".rgb.npy"), name));
    }

    public static byte[] uint8(INDArray a) {
        int[] v = a.castTo(DataType.INT).dup('c').data().asInt();
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    /** [fraction of equal bytes, largest difference, mean absolute difference]. */
    public static double[] compare(byte[] a, byte[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        int equal = 0, max = 0;
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs((a[i] & 0xff) - (b[i] & 0xff));
            if (d == 0) equal++;
            max = Math.max(max, d);
            sum += d;
        }
        return new double[] {(double) equal / a.length, max, (double) sum / a.length};
    }
}
