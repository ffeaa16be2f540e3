package org.lit.core.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Hugging Face safetensors: u64 header length, JSON header, raw little-endian tensor bytes. */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, DataType> CODES = Map.of("F32", DataType.FLOAT, "F16", DataType.HALF,
            "BF16", DataType.BFLOAT16, "F64", DataType.DOUBLE, "I64", DataType.LONG, "I32", DataType.INT,
            "I16", DataType.SHORT, "U8", DataType.UBYTE, "I8", DataType.BYTE, "BOOL", DataType.BOOL);

    private Safetensors() {
    }

    /** Reads every tensor; files past 2 GB (DiT-XL/2) are read tensor by tensor from the channel. */
    public static Map<String, INDArray> read(Path path) {
        String source = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new TensorFileException(source, "truncated safetensors file (" + size + " bytes)");
            int headerLen = headerLength(readFully(ch, 0, 8).array(), size, source);
            Header header = parseHeader(readFully(ch, 8, headerLen).array(), source);
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (Entry e : header.tensors()) {
                if (header.dataStart() + e.end() > size) {
                    throw new TensorFileException(source, "truncated: tensor " + e.name() + " ends at byte " + (header.dataStart() + e.end()) + " of " + size);
                }
                out.put(e.name(), DTypes.decode(readFully(ch, header.dataStart() + e.begin(), Math.toIntExact(e.end() - e.begin())), CODES.get(e.dtype()), e.shape()));
            }
            return out;
        } catch (IOException e) {
            throw new TensorFileException(source, "cannot read: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) throw new IOException("unexpected end of file");
        }
        return b.flip();
    }

    /** One tensor of a header: its dtype code ("F16"), shape, and byte range [begin, end) within the data section. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
    }

    /** A parsed header: the __metadata__ strings, the tensors in file order, and where their data section starts. */
    public record Header(Map<String, String> metadata, List<Entry> tensors, long dataStart) {
        public Optional<Entry> tensor(String name) {
            return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
        }

        /** The file length the header implies: the end of its last tensor's bytes. */
        public long fileLength() {
            return dataStart + tensors.stream().mapToLong(Entry::end).max().orElse(0);
        }
    }

    /**
     * The header length from a file's first 8 bytes (u64 little-endian), checked against the file
     * size, so that callers reading by position (lit-data's shard reader) fetch exactly the header.
     */
    public static int headerLength(byte[] first8, long fileSize, String source) {
        long headerLen = ByteBuffer.wrap(first8, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen <= 0 || headerLen > Integer.MAX_VALUE || 8 + headerLen > fileSize) {
            throw new TensorFileException(source, "not a safetensors file or truncated (header length " + headerLen + ", file " + fileSize + " bytes)");
        }
        return (int) headerLen;
    }

    /** Parses the header JSON (the bytes after the length), checking each tensor's dtype and byte count. */
    public static Header parseHeader(byte[] json, String source) {
        Map<String, Object> header;
        try {
            header = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new TensorFileException(source, "unreadable safetensors header: " + e.getMessage(), e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> tensors = new ArrayList<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                if (e.getValue() instanceof Map<?, ?> m) m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                continue;
            }
            @SuppressWarnings("unchecked") Map<String, Object> info = (Map<String, Object>) e.getValue();
            String code = String.valueOf(info.get("dtype"));
            DataType t = CODES.get(code);
            if (t == null) throw new TensorFileException(source, "tensor " + e.getKey() + ": unsupported dtype " + code);
            long[] shape = ((List<?>) info.get("shape")).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
            List<?> offsets = (List<?>) info.get("data_offsets");
            long begin = ((Number) offsets.get(0)).longValue(), end = ((Number) offsets.get(1)).longValue();
            if (end - begin != DTypes.count(shape) * DTypes.size(t)) {
                throw new TensorFileException(source, "tensor " + e.getKey() + ": " + (end - begin) + " bytes do not hold shape " + shape.length + "-d " + Arrays.toString(shape) + " of " + code);
            }
            tensors.add(new Entry(e.getKey(), code, shape, begin, end));
        }
        return new Header(metadata, tensors, 8L + json.length);
    }

    /** Streams the file: header first, then each tensor's bytes in order. */
    public static void write(Map<String, INDArray> tensors, Map<String, String> metadata, OutputStream out) throws IOException {
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            String code = CODES.entrySet().stream().filter(c -> c.getValue() == a.dataType()).map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("tensor " + e.getKey() + ": no safetensors dtype for " + a.dataType()));
            long bytes = a.length() * DTypes.size(a.dataType());
            entries.add(new Entry(e.getKey(), code, a.shape(), offset, offset + bytes));
            offset += bytes;
        }
        writeHeader(entries, metadata, out);
        for (INDArray a : tensors.values()) out.write(DTypes.encode(a));
    }

    /**
     * Writes the u64 length and the header JSON, padded with spaces to a multiple of 8 (so that the
     * data section is aligned, as Hugging Face's writer does). The caller then writes the tensors'
     * bytes in entry order: streaming writers (lit-data's shards) need not hold an INDArray. Keys are
     * written in a fixed order, so the same tensors always give the same bytes.
     */
    public static void writeHeader(List<Entry> entries, Map<String, String> metadata, OutputStream out) throws IOException {
        out.write(headerBytes(entries, metadata));
    }

    /** The bytes writeHeader writes (length, JSON, padding): the data section starts at their length. */
    public static byte[] headerBytes(List<Entry> entries, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", metadata);
        for (Entry e : entries) {
            if (!CODES.containsKey(e.dtype())) throw new IllegalArgumentException("tensor " + e.name() + ": unknown safetensors dtype " + e.dtype());
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", e.dtype());
            info.put("shape", e.shape());
            info.put("data_offsets", List.of(e.begin(), e.end()));
            header.put(e.name(), info);
        }
        byte[] text = JSON.writeValueAsBytes(header);
        int padded = text.length + (8 - text.length % 8) % 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(text);
        while (b.hasRemaining()) b.put((byte) ' ');
        return b.array();
    }

    /** The element size in bytes of a safetensors dtype code ("F16" -> 2). */
    public static int elementSize(String code) {
        DataType t = CODES.get(code);
        if (t == null) throw new IllegalArgumentException("unknown safetensors dtype " + code);
        return DTypes.size(t);
    }
}
