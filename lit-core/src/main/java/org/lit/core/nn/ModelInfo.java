package org.lit.core.nn;

import org.lit.core.config.ModelConfig;

/** Parameter count (pos_embed included, as model.parameters() counts) and forward cost per image. */
public record ModelInfo(ModelConfig config, long parameters, long macsPerSample) {
    /** The DiT paper's "Gflops" are multiply-accumulates of the forward pass, in billions. */
    public double gflops() {
        return macsPerSample / 1e9;
    }

    public String describe() {
        var a = config.attention();
        return String.format("%s  input %dx%dx%d  patch %d  tokens %d  hidden %d  depth %d  attention %s/%d heads%s%n"
                        + "  parameters  %,d%n  GFLOPs      %.2f (forward, one image; multiply-accumulates as in the DiT paper)",
                config.name(), config.inChannels(), config.inputSize(), config.inputSize(), config.patchSize(), config.tokens(),
                config.hiddenSize(), config.depth(), a.kind().name().toLowerCase(), config.attentionHeads(),
                a.kind() == org.lit.core.config.AttentionConfig.Kind.LINEAR ? " (dwc " + a.kernelSize() + "x" + a.kernelSize() + ")" : "",
                parameters, gflops());
    }
}
