package org.lit.eval.sample;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.lit.core.config.ModelConfig;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.data.HadoopFiles;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The weights a sampler uses: a weights file, or a checkpoint folder's EMA weights (what papers sample). */
public final class ModelWeights {
    static final String EMA = "ema.safetensors";

    private ModelWeights() {
    }

    /** The network of this config with these weights (read strictly: a missing or misshapen tensor is named), float32. */
    public static DiffusionTransformer load(ModelConfig config, String uri) {
        DiffusionTransformer model = new DiffusionTransformer(config, DataType.FLOAT);
        model.parameters().load(TensorFiles.read(local(uri)), uri);
        return model;
    }

    /** A local copy (or the file itself) of the weights a URI names. */
    public static java.nio.file.Path local(String uri) {
        try {
            Path p = new Path(uri);
            FileSystem fs = HadoopFiles.fileSystem(p, new Configuration());
            if (!fs.exists(p)) throw new IllegalArgumentException("--weights " + uri + ": no such file or folder");
            if (fs.getFileStatus(p).isDirectory()) {
                Path ema = new Path(p, EMA);
                if (!fs.exists(ema)) throw new IllegalArgumentException("--weights " + uri + " is a folder without " + EMA + " (a checkpoint folder holds one)");
                return HadoopFiles.local(ema.toString());
            }
            return HadoopFiles.local(uri);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --weights " + uri + ": " + e.getMessage(), e);
        }
    }
}
