package org.lit.core.vae;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * diffusers' Encoder (vae.py) followed by AutoencoderKL's quant_conv: conv_in (3x3); per level,
 * layers_per_block ResnetBlock2Ds (the first changes the channels) then a Downsample2D except on the
 * last level; the mid block; GN + SiLU; conv_out (3x3) to 2 * latent channels (mean, logvar);
 * quant_conv (1x1). {@link Planes} in and out.
 */
final class Encoder {
    final List<List<UnaryOperator<Planes>>> stages = new ArrayList<>();

    Encoder(VaeConfig config, VaeWeights w) {
        int groups = config.normGroups();
        Conv2d convIn = new Conv2d(w, "encoder.conv_in", config.inChannels(), config.channels(0), 3);
        stages.add(List.of(convIn::forward));
        long previous = config.channels(0);
        for (int i = 0; i < config.levels(); i++) {
            long channels = config.channels(i);
            List<UnaryOperator<Planes>> level = new ArrayList<>();
            for (int j = 0; j < config.layersPerBlock(); j++) {
                String name = "encoder.down_blocks." + i + ".resnets." + j;
                level.add(new ResnetBlock2D(w, name, j == 0 ? previous : channels, channels, groups)::forward);
            }
            if (i < config.levels() - 1) level.add(new Downsample2D(w, "encoder.down_blocks." + i + ".downsamplers.0", channels)::forward);
            stages.add(level);
            previous = channels;
        }
        stages.add(MidBlock.blocks(w, "encoder.mid_block", previous, groups));
        GroupNorm normOut = new GroupNorm(w, "encoder.conv_norm_out", previous, groups);
        Conv2d convOut = new Conv2d(w, "encoder.conv_out", previous, 2L * config.latentChannels(), 3);
        Conv2d quant = new Conv2d(w, "quant_conv", 2L * config.latentChannels(), 2L * config.latentChannels(), 1);
        stages.add(List.of(x -> convOut.forward(normOut.forward(x, true, true)), quant::forward));
    }
}
