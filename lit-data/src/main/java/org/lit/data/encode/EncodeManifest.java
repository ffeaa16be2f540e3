package org.lit.data.encode;

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
 * {@code <out>/encode.json}: what the shards in a folder were made from. A re-run may reuse shards
 * only if it is the same job (same images, crop, VAE weights, dtype and cut); another job pointed
 * at the same folder is refused, naming what differs, instead of mixing two sets.
 */
final class EncodeManifest {
    static final String NAME = "encode.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EncodeManifest() {
    }

    static void claim(FileSystem fs, Path out, EncodeOptions o, String vaeSha256, int perShard, int images) throws IOException {
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("images", o.images());
        now.put("image_count", images);
        now.put("resolution", o.resolution());
        now.put("vae_sha256", vaeSha256);
        now.put("dtype", o.dtype().jsonName());
        now.put("images_per_shard", perShard);
        Path file = new Path(out, NAME);
        if (fs.exists(file)) {
            Map<String, Object> before;
            try (InputStream in = fs.open(file)) {
                before = JSON.readValue(in, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
            }
            Map<String, String> differ = new TreeMap<>();
            for (String k : now.keySet()) {
                if (!String.valueOf(now.get(k)).equals(String.valueOf(before.get(k)))) differ.put(k, before.get(k) + " -> " + now.get(k));
            }
            if (!differ.isEmpty()) {
                throw new IllegalArgumentException(out + " holds shards of another encode job; differing: " + differ + ". Use a new --out.");
            }
            return;
        }
        fs.mkdirs(out);
        try (FSDataOutputStream o2 = fs.create(file, false)) {
            JSON.writerWithDefaultPrettyPrinter().writeValue((java.io.OutputStream) o2, now);
        }
    }
}
