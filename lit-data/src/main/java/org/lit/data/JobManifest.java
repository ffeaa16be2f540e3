package org.lit.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's claim on its output folder ({@code encode.json}, {@code sample.json}): what the parts in
 * it were made from. A re-run may reuse parts only if it is the same job; another job pointed at
 * the same folder is refused, naming what differs, instead of mixing two sets.
 */
public final class JobManifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JobManifest() {
    }

    /** Writes file with what the job is, or checks that the one there says the same. */
    public static void claim(FileSystem fs, Path file, Map<String, Object> now, String what) throws IOException {
        Map<String, String> differ = differences(fs, file, now);
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException(file.getParent() + " holds the parts of another " + what + "; differing: " + differ + ". Use a new --out.");
        }
        if (fs.exists(file)) return;
        fs.mkdirs(file.getParent());
        try (FSDataOutputStream o = fs.create(file, false)) {
            JSON.writerWithDefaultPrettyPrinter().writeValue((java.io.OutputStream) o, now);
        }
    }

    /** What the manifest at file says differently from now ("before -> now"); empty if none is there. */
    public static Map<String, String> differences(FileSystem fs, Path file, Map<String, Object> now) throws IOException {
        Map<String, String> differ = new TreeMap<>();
        if (!fs.exists(file)) return differ;
        Map<String, Object> before;
        try (InputStream in = fs.open(file)) {
            before = JSON.readValue(in, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
        }
        for (String k : now.keySet()) {
            if (!String.valueOf(now.get(k)).equals(String.valueOf(before.get(k)))) differ.put(k, before.get(k) + " -> " + now.get(k));
        }
        return differ;
    }
}
