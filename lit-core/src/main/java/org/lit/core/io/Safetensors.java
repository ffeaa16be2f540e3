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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            long headerLen = readFully(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLen <= 0 || headerLen > Integer.MAX_VALUE || 8 + headerLen > size) {
                throw new TensorFileException(source, "not a safetensors file or truncated (header length " + headerLen + ", file " + size + " bytes)");
            }
            Map<String, Object> header;
            try {
                header = JSON.readValue(StandardCharsets.UTF_8.decode(readFully(ch, 8, (int) headerLen)).toString(),
                        new TypeReference<LinkedHashMap<String, Object>>() { });
            } catch (IOException e) {
                throw new TensorFileException(source, "unreadable safetensors header: " + e.getMessage(), e);
            }
            return tensors(ch, header, 8 + headerLen, size, source);
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

    private static Map<String, INDArray> tensors(FileChannel ch, Map<String, Object> header, long dataStart, long size, String source) throws IOException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            @SuppressWarnings("unchecked") Map<String, Object> info = (Map<String, Object>) e.getValue();
            DataType t = CODES.get(String.valueOf(info.get("dtype")));
            if (t == null) throw new TensorFileException(source, "tensor " + e.getKey() + ": unsupported dtype " + info.get("dtype"));
            long[] shape = ((List<?>) info.get("shape")).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
            List<?> offsets = (List<?>) info.get("data_offsets");
            long begin = ((Number) offsets.get(0)).longValue(), end = ((Number) offsets.get(1)).longValue();
            if (end - begin != DTypes.count(shape) * DTypes.size(t)) {
                throw new TensorFileException(source, "tensor " + e.getKey() + ": " + (end - begin) + " bytes do not hold shape " + shape.length + "-d " + java.util.Arrays.toString(shape) + " of " + info.get("dtype"));
            }
            if (dataStart + end > size) {
                throw new TensorFileException(source, "truncated: tensor " + e.getKey() + " ends at byte " + (dataStart + end) + " of " + size);
            }
            out.put(e.getKey(), DTypes.decode(readFully(ch, dataStart + begin, Math.toIntExact(end - begin)), t, shape));
        }
        return out;
    }

    /** Streams the file: header first, then each tensor's bytes in order. */
    public static void write(Map<String, INDArray> tensors, Map<String, String> metadata, OutputStream out) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", metadata);
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            String code = CODES.entrySet().stream().filter(c -> c.getValue() == a.dataType()).map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("tensor " + e.getKey() + ": no safetensors dtype for " + a.dataType()));
            long bytes = a.length() * DTypes.size(a.dataType());
            header.put(e.getKey(), Map.of("dtype", code, "shape", a.shape(), "data_offsets", List.of(offset, offset + bytes)));
            offset += bytes;
        }
        byte[] text = JSON.writeValueAsBytes(header);
        int padded = text.length + (8 - text.length % 8) % 8;
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(text);
        out.write(" ".repeat(padded - text.length).getBytes(StandardCharsets.US_ASCII));
        for (INDArray a : tensors.values()) out.write(DTypes.encode(a));
    }
}
