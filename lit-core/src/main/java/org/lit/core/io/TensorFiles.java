package org.lit.core.io;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named tensors by file extension: .safetensors, .pt/.pth/.ckpt and .bin (torch.save files, zip or the
 * pre-1.6 legacy format, as diffusers' diffusion_pytorch_model.bin), .npz, .npy (as the single tensor "arr_0").
 */
public final class TensorFiles {
    private TensorFiles() {
    }

    public static Map<String, INDArray> read(Path path) {
        return read(path, null);
    }

    /**
     * As read(path); from a DiT train.py checkpoint ({model, ema, ...}) the named entry instead of
     * the default ema (the entry is ignored by the other formats, which hold one state dict).
     */
    public static Map<String, INDArray> read(Path path, String entry) {
        if (!Files.isRegularFile(path)) throw new TensorFileException(path.toString(), "no such file");
        String name = path.getFileName().toString().toLowerCase();
        try {
            if (name.endsWith(".safetensors")) return Safetensors.read(path);
            if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".ckpt") || name.endsWith(".bin")) return TorchCheckpoint.readStateDict(path, entry);
            if (name.endsWith(".npz")) return Npz.read(Files.readAllBytes(path), path.toString());
            if (name.endsWith(".npy")) {
                Map<String, INDArray> one = new LinkedHashMap<>();
                one.put("arr_0", Npy.read(Files.readAllBytes(path), path.toString()));
                return one;
            }
        } catch (IOException e) {
            throw new TensorFileException(path.toString(), "cannot read: " + e.getMessage(), e);
        }
        throw new TensorFileException(path.toString(), "unknown tensor file type; expected .safetensors, .pt, .pth, .bin, .npz or .npy");
    }

    /**
     * Writes to a temporary sibling and renames it into place, so a crash never leaves a
     * half-written file under the final name.
     */
    public static void write(Path path, Map<String, INDArray> tensors) {
        String name = path.getFileName().toString().toLowerCase();
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            if (path.getParent() != null) Files.createDirectories(path.getParent());
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                if (name.endsWith(".safetensors")) Safetensors.write(tensors, Map.of("format", "pt"), out);
                else if (name.endsWith(".pt") || name.endsWith(".pth")) TorchCheckpoint.write(tensors, out);
                else if (name.endsWith(".npz")) out.write(Npz.write(tensors));
                else throw new TensorFileException(path.toString(), "unknown tensor file type; expected .safetensors, .pt, .pth or .npz");
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TensorFileException(path.toString(), "cannot write: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the rename already succeeded or the write failed; nothing more to clean
            }
        }
    }
}
