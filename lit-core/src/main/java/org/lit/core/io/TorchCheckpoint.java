package org.lit.core.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Files written by torch.save, told apart by their first bytes: the zip format of PyTorch 1.6 and later
 * ({@code <name>/data.pkl} holds the object tree, {@code <name>/data/<key>} the raw storages) and the
 * older {@link LegacyTorchFile} format (pytorch-fid's Inception weights). Reads bare state dicts (the
 * official DiT-XL-2-*.pt) and DiT train.py's {"model", "ema", "opt", "args"}; writes zip files that
 * torch.load reads back.
 */
public final class TorchCheckpoint {
    private static final Map<String, DataType> STORAGES = Map.of(
            "FloatStorage", DataType.FLOAT, "DoubleStorage", DataType.DOUBLE, "HalfStorage", DataType.HALF,
            "BFloat16Storage", DataType.BFLOAT16, "LongStorage", DataType.LONG, "IntStorage", DataType.INT,
            "ShortStorage", DataType.SHORT, "ByteStorage", DataType.UBYTE, "CharStorage", DataType.BYTE, "BoolStorage", DataType.BOOL);

    private TorchCheckpoint() {
    }

    /** The whole object tree: maps, lists, strings, numbers, INDArrays, and opaque Python objects. */
    public static Object read(Path path) {
        String source = path.toString();
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(2);
        } catch (IOException e) {
            throw new TensorFileException(source, "cannot read: " + e.getMessage(), e);
        }
        if (isZip(head)) return readZip(path, source);
        if (!isLegacy(head)) throw notTorch(source, head);
        try {
            if (Files.size(path) > Integer.MAX_VALUE - 8) throw new TensorFileException(source, "legacy torch.save files over 2 GB are not supported");
            return LegacyTorchFile.read(Files.readAllBytes(path), source);
        } catch (IOException e) {
            throw new TensorFileException(source, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * As read(path), from the file's bytes (a stream that is not a local file). A zip checkpoint goes
     * through a temporary file: torch's zip entries carry data descriptors, which only ZipFile reads.
     */
    public static Object read(byte[] content, String source) {
        if (isLegacy(content)) return LegacyTorchFile.read(content, source);
        if (!isZip(content)) throw notTorch(source, content);
        Path tmp = null;
        try {
            tmp = Files.createTempFile("torch-checkpoint-", ".pt");
            Files.write(tmp, content);
            return readZip(tmp, source);
        } catch (IOException e) {
            throw new TensorFileException(source, "cannot spool to a temporary file: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Whether a file starting with these bytes is a torch.save file, zip or legacy. */
    public static boolean recognizes(byte[] head) {
        return isZip(head) || isLegacy(head);
    }

    private static boolean isZip(byte[] head) {
        return head.length >= 2 && head[0] == 'P' && head[1] == 'K';
    }

    /** Every legacy file starts with the pickled magic number, whose first opcode is PROTO. */
    private static boolean isLegacy(byte[] head) {
        return head.length >= 2 && head[0] == (byte) 0x80;
    }

    private static TensorFileException notTorch(String source, byte[] head) {
        String first = head.length < 2 ? "fewer than 2 bytes" : String.format("starts with 0x%02x 0x%02x", head[0], head[1]);
        return new TensorFileException(source, "not a torch.save file (" + first + "; expected a zip checkpoint 'PK' or a legacy pickle 0x80)");
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp == null) return;
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // a leftover in the temp directory is harmless
        }
    }

    private static Object readZip(Path path, String source) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl")).findFirst()
                    .orElseThrow(() -> new TensorFileException(source, "not a PyTorch zip checkpoint (no data.pkl)"));
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            Map<String, ByteBuffer> storages = new HashMap<>();
            Unpickler u = new Unpickler(zip.getInputStream(pkl).readAllBytes(), pid -> {
                // ('storage', storage_type, key, location, numel)
                DataType dtype = storageType(pid, source);
                ByteBuffer bytes = storages.computeIfAbsent((String) pid.get(2), k -> entry(zip, prefix + "data/" + k, source));
                return new Storage(bytes, dtype);
            }, reducer(TorchCheckpoint::rebuildTensor));
            return u.load();
        } catch (ZipException e) {
            throw new TensorFileException(source, "corrupt or truncated checkpoint (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new TensorFileException(source, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof TensorFileException) throw e;
            throw new TensorFileException(source, "unreadable pickle (" + e + ")", e);
        }
    }

    /**
     * The callables a torch.save pickle calls: tensor rebuilds (given to the caller, which knows where
     * the storages are), parameters (their tensor), OrderedDict; anything else stays an opaque object.
     */
    static Unpickler.Reducer reducer(Function<List<Object>, Object> rebuildTensor) {
        return (callable, args) -> switch (callable.qualified()) {
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> rebuildTensor.apply(args);
            case "torch._utils._rebuild_parameter" -> args.get(0);
            case "collections.OrderedDict" -> new LinkedHashMap<>();
            default -> null;
        };
    }

    /** The element type of a persistent id ('storage', torch.FloatStorage, key, location, numel, ...). */
    static DataType storageType(List<Object> pid, String source) {
        Unpickler.Global type = (Unpickler.Global) pid.get(1);
        DataType dtype = STORAGES.get(type.name());
        if (dtype == null) throw new TensorFileException(source, "unsupported storage type " + type.qualified());
        return dtype;
    }

    /**
     * The weights in a checkpoint: a bare state dict as is; from a train.py checkpoint the {@code ema}
     * entry (what DiT's find_model loads), or {@code model} when asked.
     */
    public static Map<String, INDArray> readStateDict(Path path, String entry) {
        return stateDict(read(path), entry, path.toString());
    }

    /** As readStateDict(path, entry), from the file's bytes. */
    public static Map<String, INDArray> readStateDict(byte[] content, String source, String entry) {
        return stateDict(read(content, source), entry, source);
    }

    private static Map<String, INDArray> stateDict(Object root, String entry, String source) {
        if (root instanceof Map<?, ?> m && (m.containsKey("ema") || m.containsKey("model"))) {
            String pick = entry != null ? entry : m.containsKey("ema") ? "ema" : "model";
            if (!m.containsKey(pick)) throw new TensorFileException(source, "no '" + pick + "' entry; present: " + m.keySet());
            root = m.get(pick);
        }
        return tensors(root, source);
    }

    private static Map<String, INDArray> tensors(Object root, String source) {
        if (!(root instanceof Map<?, ?> m)) throw new TensorFileException(source, "expected a state dict, found " + root);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof INDArray a)) {
                String v = String.valueOf(e.getValue());
                throw new TensorFileException(source, "entry '" + e.getKey() + "' is not a tensor (" + (v.length() > 120 ? v.substring(0, 120) + "..." : v) + ")");
            }
            out.put(String.valueOf(e.getKey()), a);
        }
        return out;
    }

    /** A storage's raw little-endian bytes and element type, shared by the tensors that view it. */
    record Storage(ByteBuffer bytes, DataType dtype) {
    }

    private static ByteBuffer entry(ZipFile zip, String name, String source) {
        ZipEntry e = zip.getEntry(name);
        if (e == null) throw new TensorFileException(source, "storage " + name + " is missing (truncated checkpoint?)");
        try {
            return ByteBuffer.wrap(zip.getInputStream(e).readAllBytes());
        } catch (IOException ex) {
            throw new TensorFileException(source, "storage " + name + " is unreadable: " + ex.getMessage(), ex);
        }
    }

    /** _rebuild_tensor_v2(storage, storage_offset, size, stride, ...): any strides, copied to c order. */
    static INDArray rebuildTensor(List<Object> args) {
        Storage s = (Storage) args.get(0);
        long offset = (Long) args.get(1);
        long[] size = longs(args.get(2));
        long[] stride = longs(args.get(3));
        int elem = DTypes.size(s.dtype);
        long storageLen = s.bytes.capacity() / elem;
        long span = 1;
        for (int i = 0; i < size.length; i++) span += (size[i] - 1) * stride[i];
        if (DTypes.count(size) > 0 && offset + span > storageLen) {
            throw new IllegalArgumentException("tensor view exceeds its storage (" + storageLen + " elements)");
        }
        INDArray base = DTypes.decode(s.bytes.duplicate().position(Math.toIntExact(offset * elem)), s.dtype, new long[] {storageLen - offset});
        if (isContiguous(size, stride)) {
            long n = DTypes.count(size);
            return base.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).dup().reshape('c', size);
        }
        INDArray out = Nd4j.create(s.dtype, size);
        long[] idx = new long[size.length];
        for (long i = 0, n = DTypes.count(size); i < n; i++) {
            long at = 0;
            for (int d = 0; d < size.length; d++) at += idx[d] * stride[d];
            out.putScalar(idx, base.getDouble(at));
            for (int d = size.length - 1; d >= 0 && ++idx[d] == size[d]; d--) idx[d] = 0;
        }
        return out;
    }

    private static boolean isContiguous(long[] size, long[] stride) {
        long expect = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expect) return false;
            expect *= size[d];
        }
        return true;
    }

    private static long[] longs(Object tuple) {
        List<Object> items = ((Unpickler.Tuple) tuple).items();
        return items.stream().mapToLong(v -> (Long) v).toArray();
    }

    /**
     * Writes a checkpoint torch.load reads: maps become OrderedDicts, INDArrays tensors (one storage
     * each), lists lists; strings, longs, doubles, booleans as themselves.
     */
    public static void write(Map<String, ?> root, OutputStream target) throws IOException {
        Pickler p = new Pickler();
        p.object(root);
        ZipOutputStream zip = new ZipOutputStream(target);
        stored(zip, "archive/data.pkl", p.finish());
        for (int i = 0; i < p.storages.size(); i++) stored(zip, "archive/data/" + i, DTypes.encode(p.storages.get(i)));
        stored(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        zip.finish();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** Protocol-2 pickle writer for the value kinds above. */
    private static final class Pickler {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<INDArray> storages = new ArrayList<>();

        Pickler() {
            out.write(0x80);
            out.write(2);
        }

        byte[] finish() {
            out.write('.');
            return out.toByteArray();
        }

        void object(Object v) {
            if (v instanceof Map<?, ?> m) {
                global("collections", "OrderedDict");
                out.write(')');
                out.write('R');
                if (!m.isEmpty()) {
                    out.write('(');
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        object(e.getKey());
                        object(e.getValue());
                    }
                    out.write('u');
                }
            } else if (v instanceof List<?> l) {
                out.write(']');
                if (!l.isEmpty()) {
                    out.write('(');
                    for (Object o : l) object(o);
                    out.write('e');
                }
            } else if (v instanceof INDArray a) {
                tensor(a);
            } else if (v instanceof String s) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                out.write('X');
                int32(b.length);
                out.writeBytes(b);
            } else if (v instanceof Boolean b) {
                out.write(b ? 0x88 : 0x89);
            } else if (v instanceof Integer || v instanceof Long) {
                long n = ((Number) v).longValue();
                if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                    out.write('J');
                    int32((int) n);
                } else {
                    out.write(0x8a);
                    out.write(8);
                    for (int i = 0; i < 8; i++) out.write((int) (n >>> (8 * i)));
                }
            } else if (v instanceof Number d) {
                out.write('G');
                out.writeBytes(ByteBuffer.allocate(8).putDouble(d.doubleValue()).array());
            } else if (v == null) {
                out.write('N');
            } else {
                throw new IllegalArgumentException("cannot pickle " + v.getClass().getName());
            }
        }

        private void tensor(INDArray a) {
            String storage = STORAGES.entrySet().stream().filter(e -> e.getValue() == a.dataType()).map(Map.Entry::getKey)
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("no torch storage for " + a.dataType()));
            int key = storages.size();
            storages.add(a);
            global("torch._utils", "_rebuild_tensor_v2");
            out.write('(');
            out.write('(');                               // persistent id
            object("storage");
            global("torch", storage);
            object(String.valueOf(key));
            object("cpu");
            object(a.length());
            out.write('t');
            out.write('Q');
            object(0L);                                    // storage offset
            longTuple(a.shape());
            long[] stride = new long[a.rank()];
            for (int d = a.rank() - 1, s = 1; d >= 0; s *= (int) a.size(d), d--) stride[d] = s;
            longTuple(stride);
            out.write(0x89);                               // requires_grad = False
            global("collections", "OrderedDict");
            out.write(')');
            out.write('R');
            out.write('t');
            out.write('R');
        }

        private void longTuple(long[] values) {
            out.write('(');
            for (long v : values) object(v);
            out.write('t');
        }

        private void global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        private void int32(int v) {
            for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
        }
    }
}
