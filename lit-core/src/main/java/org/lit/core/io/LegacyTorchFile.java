package org.lit.core.io;

import org.nd4j.linalg.api.buffer.DataType;

import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * torch.save's format before PyTorch 1.6 (still written with {@code _use_new_zipfile_serialization=False}),
 * in which pytorch-fid's Inception weights and most .pth files of that time are published. As
 * torch/serialization.py's _legacy_save writes it: five pickles back to back (the magic number, the
 * protocol version 1001, sys_info, the object, the sorted list of storage keys), then every listed
 * storage as an int64 little-endian element count followed by its raw little-endian elements.
 * <p>
 * The object pickle names its storages (persistent ids {@code ('storage', type, key, location, numel,
 * view_metadata)}) before their bytes appear, so it is read twice: once to learn where it ends and
 * which storages it declares, once more to rebuild its tensors from the loaded storages.
 */
final class LegacyTorchFile {
    private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long PROTOCOL = 1001;

    private LegacyTorchFile() {
    }

    /** What the object pickle says about a storage before its bytes are read. */
    private record Declared(DataType dtype, long numel) {
    }

    static Object read(byte[] content, String source) {
        ByteBuffer in = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
        try {
            Object magic = plain(in);
            if (!MAGIC.equals(magic)) throw new TensorFileException(source, "not a torch.save file: wrong magic number " + magic);
            Object protocol = plain(in);
            if (!Long.valueOf(PROTOCOL).equals(protocol)) throw new TensorFileException(source, "unsupported torch.save protocol version " + protocol + " (expected " + PROTOCOL + ")");
            if (plain(in) instanceof Map<?, ?> sysInfo && Boolean.FALSE.equals(sysInfo.get("little_endian"))) {
                throw new TensorFileException(source, "written on a big-endian machine; only little-endian files are supported");
            }
            int objectStart = in.position();
            Map<String, Declared> declared = new HashMap<>();
            new Unpickler(in, pid -> declare(pid, declared, source), TorchCheckpoint.reducer(args -> Unpickler.NONE)).load();
            Map<String, TorchCheckpoint.Storage> storages = storages(in, plain(in), declared, source);
            in.position(objectStart);
            return new Unpickler(in, pid -> storages.get((String) pid.get(2)), TorchCheckpoint.reducer(TorchCheckpoint::rebuildTensor)).load();
        } catch (BufferUnderflowException e) {
            throw new TensorFileException(source, "truncated: the file (" + content.length + " bytes) ends inside its pickles", e);
        } catch (TensorFileException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TensorFileException(source, "unreadable legacy torch.save file (" + e + ")", e);
        }
    }

    /** One of the header pickles, which hold no tensors. */
    private static Object plain(ByteBuffer in) {
        return new Unpickler(in, pid -> {
            throw new IllegalArgumentException("unexpected persistent id " + pid + " outside the object pickle");
        }, (callable, args) -> null).load();
    }

    private static Object declare(List<Object> pid, Map<String, Declared> declared, String source) {
        if (!"storage".equals(pid.get(0))) {
            throw new TensorFileException(source, "unsupported persistent id '" + pid.get(0) + "' (a pickled nn.Module? save its state_dict() instead)");
        }
        if (pid.get(5) != Unpickler.NONE) throw new TensorFileException(source, "storage views (view_metadata " + pid.get(5) + ") are not supported");
        declared.put((String) pid.get(2), new Declared(TorchCheckpoint.storageType(pid, source), (Long) pid.get(4)));
        return Unpickler.NONE;
    }

    /** The storages after the key list, in its order; slices of the file's bytes, not copies. */
    private static Map<String, TorchCheckpoint.Storage> storages(ByteBuffer in, Object keyList, Map<String, Declared> declared, String source) {
        if (!(keyList instanceof List<?> keys)) throw new TensorFileException(source, "expected the list of storage keys after the object pickle, found " + keyList);
        Map<String, TorchCheckpoint.Storage> out = new HashMap<>();
        for (Object k : keys) {
            Declared d = declared.get(String.valueOf(k));
            if (d == null) throw new TensorFileException(source, "storage '" + k + "' is listed but no tensor uses it");
            if (in.remaining() < Long.BYTES) throw truncated(source, in, k, Long.BYTES);
            long numel = in.getLong();
            if (numel != d.numel) throw new TensorFileException(source, "storage '" + k + "' holds " + numel + " elements; the pickle declared " + d.numel);
            long bytes = numel * DTypes.size(d.dtype);
            if (bytes > in.remaining()) throw truncated(source, in, k, bytes);
            out.put(String.valueOf(k), new TorchCheckpoint.Storage(in.slice(in.position(), (int) bytes), d.dtype));
            in.position(in.position() + (int) bytes);
        }
        for (String key : declared.keySet()) {
            if (!out.containsKey(key)) throw new TensorFileException(source, "storage '" + key + "' is used by a tensor but missing from the storage list");
        }
        return out;
    }

    private static TensorFileException truncated(String source, ByteBuffer in, Object key, long needed) {
        return new TensorFileException(source, "truncated: storage '" + key + "' needs " + needed + " bytes at offset " + in.position()
                + " but the file ends after " + in.remaining() + " more");
    }
}
