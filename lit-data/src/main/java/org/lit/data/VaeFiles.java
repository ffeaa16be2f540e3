package org.lit.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.vae.AutoencoderKL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * A VAE named by any Hadoop URI (its weights file, or the diffusers folder that holds it) as local
 * files that {@link AutoencoderKL#load} reads: the weights and, when there is one, the config.json
 * beside them, which gives the architecture (a weights file copied alone would be read as the SD
 * VAE's and refused).
 */
public final class VaeFiles {
    private VaeFiles() {
    }

    public static java.nio.file.Path local(String uri) {
        if (HadoopFiles.isLocal(uri)) return HadoopFiles.local(uri);
        try {
            Path remote = new Path(uri);
            FileSystem fs = remote.getFileSystem(new Configuration());
            java.nio.file.Path dir = Files.createTempDirectory("lit-vae");
            dir.toFile().deleteOnExit();
            Path folder = fs.getFileStatus(remote).isDirectory() ? remote : remote.getParent();
            Path weights = remote.equals(folder) ? weightsIn(fs, folder) : remote;
            for (Path p : new Path[] {weights, new Path(folder, AutoencoderKL.CONFIG)}) {
                if (!fs.exists(p)) continue;
                java.nio.file.Path copy = dir.resolve(p.getName());
                fs.copyToLocalFile(p, new Path(copy.toUri()));
                copy.toFile().deleteOnExit();
            }
            return remote.equals(folder) ? dir : dir.resolve(weights.getName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the VAE " + uri + ": " + e.getMessage(), e);
        }
    }

    /** The weights file of a diffusers folder, as AutoencoderKL.load picks it (.safetensors before .bin). */
    private static Path weightsIn(FileSystem fs, Path folder) throws IOException {
        for (String name : new String[] {AutoencoderKL.SAFETENSORS, AutoencoderKL.BIN}) {
            Path p = new Path(folder, name);
            if (fs.exists(p)) return p;
        }
        throw new IllegalArgumentException("VAE folder " + folder + " holds neither " + AutoencoderKL.SAFETENSORS + " nor " + AutoencoderKL.BIN);
    }
}
