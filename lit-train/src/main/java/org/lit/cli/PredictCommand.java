package org.lit.cli;

import org.lit.core.config.ModelConfig;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.BlockSchedule;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.ModelInputs;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** One network forward on given inputs: the parity entry point against PyTorch. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Run the network on x (N,C,H,W float32), t (N) and y (N) from an .npz; write `out` (N,2C,H,W).")
final class PredictCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--layers", description = "a layer strategy: skip=A-B, repeat=A-B, reverse=A-B, parallel=A-B or loop=A-B:K (blocks 0..depth-1; see README)")
    String layers;

    @Option(names = "--weights", description = ".safetensors, .pt/.pth (state dict or DiT train.py checkpoint) or .npz")
    Path weights;

    @Option(names = "--inputs", description = ".npz with arrays x, t, y")
    Path inputs;

    @Option(names = "--out", description = ".npz to write (array `out`)")
    Path out;

    @Option(names = "--cfg-scale", description = "classifier-free guidance scale: the batch is [cond; uncond] as in DiT's forward_with_cfg")
    Double cfgScale;

    @Option(names = "--info", description = "print the model's shape, parameters and GFLOPs, and exit")
    boolean info;

    @Override
    public void run() {
        ModelConfig checked = options.modelConfig();   // a config typo fails before any file is read
        if (info) {
            System.out.println(DiffusionTransformer.info(checked).describe());
            return;
        }
        require(weights, "--weights");
        require(inputs, "--inputs");
        require(out, "--out");
        ModelInputs in = ModelInputs.read(inputs);
        // Without an explicit model.input-size, the input's side decides it (32 at 256px, 64 at 512px).
        ModelConfig config = options.modelConfig("model.input-size=" + in.x().size(2));
        DiffusionTransformer model = new DiffusionTransformer(config, DataType.FLOAT);
        model.parameters().load(TensorFiles.read(weights), weights.toString());
        model.setSchedule(BlockSchedule.parse(layers, config.depth()));
        INDArray result = cfgScale == null ? model.forward(in.x(), in.t(), in.y()) : model.forwardWithCfg(in.x(), in.t(), in.y(), cfgScale);
        Map<String, INDArray> written = new LinkedHashMap<>();
        written.put("out", result.castTo(DataType.FLOAT));
        TensorFiles.write(out, written);
        System.out.printf("%s: wrote out %s to %s%n", config.name(), Arrays.toString(result.shape()), out);
    }

    private static void require(Object value, String option) {
        if (value == null) throw new IllegalArgumentException("missing required option " + option);
    }
}
