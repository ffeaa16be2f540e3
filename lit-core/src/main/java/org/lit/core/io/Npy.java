package org.lit.core.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy's .npy format, versions 1-3, little-endian numeric arrays in C or Fortran order. */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Map<String, DataType> DESCR = Map.of(
            "<f4", DataType.FLOAT, "<f8", DataType.DOUBLE, "<f2", DataType.HALF, "<i8", DataType.LONG,
            "<i4", DataType.INT, "<i2", DataType.SHORT, "|u1", DataType.UBYTE, "|i1", DataType.BYTE, "|b1", DataType.BOOL);
    private static final Pattern FIELD = Pattern.compile("'(descr|fortran_order|shape)'\\s*:\\s*('[^']*'|True|False|\\([^)]*\\))");

    private Npy() {
    }

    public static INDArray read(byte[] bytes, String source) {
        Header h = Header.read(new java.io.ByteArrayInputStream(bytes), source);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).position(h.length());
        long need = DTypes.count(h.shape()) * DTypes.size(h.type());
        if (bytes.length - b.position() < need) {
            throw new TensorFileException(source, "truncated: " + need + " data bytes expected, " + (bytes.length - b.position()) + " present");
        }
        long[] shape = h.shape();
        if (!h.fortran() || shape.length < 2) return DTypes.decode(b, h.type(), shape);
        long[] reversed = new long[shape.length];
        for (int i = 0; i < shape.length; i++) reversed[i] = shape[shape.length - 1 - i];
        int[] axes = new int[shape.length];
        for (int i = 0; i < shape.length; i++) axes[i] = shape.length - 1 - i;
        return DTypes.decode(b, h.type(), reversed).permute(axes).dup('c');
    }

    /** An .npy header: the element type, the shape, the order, and its own length in bytes (where the data starts). */
    public record Header(DataType type, long[] shape, boolean fortran, int length) {
        /** Reads the header from the start of a stream, leaving the stream at the first data byte. */
        public static Header read(java.io.InputStream in, String source) {
            try {
                byte[] head = in.readNBytes(10);
                if (head.length < 10 || !Arrays.equals(Arrays.copyOf(head, 6), MAGIC)) throw new TensorFileException(source, "not an .npy array (bad magic)");
                int major = head[6];
                ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
                int headerLen;
                int start = 10;
                if (major == 1) {
                    headerLen = Short.toUnsignedInt(b.getShort(8));
                } else {
                    byte[] more = in.readNBytes(2);
                    if (more.length < 2) throw new TensorFileException(source, "truncated .npy header");
                    headerLen = ByteBuffer.wrap(new byte[] {head[8], head[9], more[0], more[1]}).order(ByteOrder.LITTLE_ENDIAN).getInt();
                    start = 12;
                }
                byte[] text = in.readNBytes(headerLen);
                if (text.length < headerLen) throw new TensorFileException(source, "truncated .npy header");
                String header = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
                String descr = null, fortran = null, shapeText = null;
                Matcher m = FIELD.matcher(header);
                while (m.find()) {
                    switch (m.group(1)) {
                        case "descr" -> descr = m.group(2).replace("'", "");
                        case "fortran_order" -> fortran = m.group(2);
                        default -> shapeText = m.group(2);
                    }
                }
                if (descr == null || fortran == null || shapeText == null) throw new TensorFileException(source, "malformed .npy header: " + header.trim());
                DataType t = DESCR.get(descr);
                if (t == null) throw new TensorFileException(source, "unsupported dtype '" + descr + "'; supported: " + DESCR.keySet());
                long[] shape = Arrays.stream(shapeText.replaceAll("[()\\s]", "").split(",")).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
                return new Header(t, shape, fortran.equals("True"), start + headerLen);
            } catch (java.io.IOException e) {
                throw new TensorFileException(source, "cannot read .npy header: " + e.getMessage(), e);
            }
        }

        /** Bytes of one row (the array's first axis), and the whole array's data. */
        public long rowBytes() {
            long n = DTypes.size(type);
            for (int i = 1; i < shape.length; i++) n *= shape[i];
            return n;
        }
    }

    public static byte[] write(INDArray a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header(a.dataType(), a.shape()));
        out.writeBytes(DTypes.encode(a));
        return out.toByteArray();
    }

    /** The .npy (version 1) header of a C-order array of type t and shape: what precedes its little-endian data, for writers that stream. */
    public static byte[] header(DataType t, long... shape) {
        String descr = DESCR.entrySet().stream().filter(e -> e.getValue() == t).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no .npy dtype for " + t));
        StringBuilder s = new StringBuilder("(");
        for (long d : shape) s.append(d).append(shape.length == 1 ? ",)" : ",");
        String shapeText = shape.length == 1 ? s.toString() : s.toString().replaceAll(",$", "") + ")";
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int total = MAGIC.length + 4 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write(header.length() >>> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
