package org.lit.core.config;

/** The resolved `model { ... }` block. See {@link ModelConfigs} for names and validation. */
public record ModelConfig(
        String name,
        int inputSize,
        int inChannels,
        int patchSize,
        int hiddenSize,
        int depth,
        int numHeads,
        double mlpRatio,
        int numClasses,
        double classDropout,
        boolean learnSigma,
        AttentionConfig attention) implements java.io.Serializable {

    public int outChannels() {
        return learnSigma ? 2 * inChannels : inChannels;
    }

    public int gridSize() {
        return inputSize / patchSize;
    }

    public int tokens() {
        return gridSize() * gridSize();
    }

    /** Heads of the attention actually used: num-heads for softmax, attention.heads for linear. */
    public int attentionHeads() {
        return attention.kind() == AttentionConfig.Kind.SOFTMAX ? numHeads : attention.heads();
    }

    /** The null (unconditional) class exists only when labels may be dropped. */
    public boolean hasNullClass() {
        return classDropout > 0;
    }
}
