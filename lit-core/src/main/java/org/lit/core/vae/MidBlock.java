package org.lit.core.vae;

import java.util.List;
import java.util.function.UnaryOperator;

/** diffusers UNetMidBlock2D of the VAE: resnets.0, attentions.0, resnets.1, all at one width. */
final class MidBlock {
    private MidBlock() {
    }

    static List<UnaryOperator<Planes>> blocks(VaeWeights w, String name, long channels, long groups) {
        ResnetBlock2D first = new ResnetBlock2D(w, name + ".resnets.0", channels, channels, groups);
        MidAttention attention = new MidAttention(w, name + ".attentions.0", channels, groups);
        ResnetBlock2D second = new ResnetBlock2D(w, name + ".resnets.1", channels, channels, groups);
        return List.of(first::forward, attention::forward, second::forward);
    }
}
