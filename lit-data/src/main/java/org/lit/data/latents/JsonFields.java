package org.lit.data.latents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.io.TensorFileException;
import org.lit.data.HadoopFiles;
import org.lit.data.SkippedFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The JSON files of the format (index.json, the completion records), read key by key so that a
 * missing or mistyped key is reported with its file and key, rather than as a Jackson binding trace.
 * Errors are TensorFileExceptions, as for the shards themselves: the message starts with the file.
 */
final class JsonFields {
    static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode node;
    private final String file;

    private JsonFields(JsonNode node, String file) {
        this.node = node;
        this.file = file;
    }

    /** Parses a whole file of the FileSystem (these files are small). */
    static JsonFields read(FileSystem fs, Path path) throws IOException {
        JsonNode root;
        try (FSDataInputStream in = fs.open(path)) {
            root = JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TensorFileException(path.toString(), "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new TensorFileException(path.toString(), "not a JSON object");
        return new JsonFields(root, path.toString());
    }

    /** Writes the object to path through a temporary name (never half-written under the final name). */
    static void write(FileSystem fs, Path path, ObjectNode object) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(object);
        HadoopFiles.writeReplacing(fs, path, out -> {
            out.write(bytes);
            return null;
        });
    }

    private JsonNode required(String key, String what) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) throw new TensorFileException(file, "missing key \"" + key + "\"");
        if (!ok(v, what)) throw new TensorFileException(file, "key \"" + key + "\" must be " + what + ", found " + v);
        return v;
    }

    private static boolean ok(JsonNode v, String what) {
        return switch (what) {
            case "a string" -> v.isTextual();
            case "an integer" -> v.isIntegralNumber();
            case "a number" -> v.isNumber();
            case "an object" -> v.isObject();
            default -> v.isArray();
        };
    }

    String text(String key) {
        return required(key, "a string").asText();
    }

    long integer(String key) {
        return required(key, "an integer").asLong();
    }

    double number(String key) {
        return required(key, "a number").asDouble();
    }

    JsonFields object(String key) {
        return new JsonFields(required(key, "an object"), file + " (\"" + key + "\")");
    }

    /** An array whose elements are read by each (an element's errors name the file, key and position). */
    <T> List<T> list(String key, Function<JsonFields, T> each) {
        JsonNode a = required(key, "an array");
        List<T> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) out.add(each.apply(new JsonFields(a.get(i), file + " (\"" + key + "\"[" + i + "])")));
        return out;
    }

    LatentDType dtype(String key) {
        try {
            return LatentDType.parse(text(key));
        } catch (IllegalArgumentException e) {
            throw new TensorFileException(file, "key \"" + key + "\": " + e.getMessage());
        }
    }

    List<String> texts(String key) {
        return list(key, e -> e.scalar("a string").asText());
    }

    List<Long> integers(String key) {
        return list(key, e -> e.scalar("an integer").asLong());
    }

    private JsonNode scalar(String what) {
        if (!ok(node, what)) throw new TensorFileException(file, "must be " + what + ", found " + node);
        return node;
    }

    /** The skipped-file lists of records and index: [{"path": ..., "reason": ...}]. */
    List<SkippedFile> skipped(String key) {
        return list(key, e -> new SkippedFile(e.text("path"), e.text("reason")));
    }

    static ArrayNode skippedJson(List<SkippedFile> skipped) {
        ArrayNode a = JSON.createArrayNode();
        for (SkippedFile s : skipped) a.addObject().put("path", s.path()).put("reason", s.reason());
        return a;
    }

    static ArrayNode numbers(List<? extends Number> values) {
        ArrayNode a = JSON.createArrayNode();
        for (Number v : values) a.add(v.longValue());
        return a;
    }
}
