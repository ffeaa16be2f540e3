package org.lit.core.config;

/** Which token mixer each block uses: softmax (DiT) or LiT's linear attention with a depth-wise conv. */
public record AttentionConfig(Kind kind, int heads, int kernelSize) implements java.io.Serializable {
    public enum Kind { SOFTMAX, LINEAR }
}
