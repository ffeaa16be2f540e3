package org.lit.core.io;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** NumPy's .npz: a zip of .npy members (stored or deflated), named without the .npy suffix. */
public final class Npz {
    private Npz() {
    }

    public static Map<String, INDArray> read(byte[] bytes, String source) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                out.put(name, Npy.read(zip.readAllBytes(), source + "[" + name + "]"));
            }
        } catch (IOException e) {
            throw new TensorFileException(source, "corrupt or truncated .npz: " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new TensorFileException(source, "not an .npz archive (no arrays found)");
        return out;
    }

    public static byte[] write(Map<String, INDArray> arrays) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(Npy.write(e.getValue()));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }
}
