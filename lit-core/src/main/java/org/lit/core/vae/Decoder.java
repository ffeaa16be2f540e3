package org.lit.core.vae;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * AutoencoderKL's post_quant_conv followed by diffusers' Decoder (vae.py): post_quant_conv (1x1),
 * conv_in (3x3) to the last level's channels; the mid block; per level in reverse channel order,
 * layers_per_block + 1 ResnetBlock2Ds then an Upsample2D except on the last; GN + SiLU; conv_out
 * (3x3) to the image channels. {@link Planes} in and out.
 */
final class Decoder {
    final List<List<UnaryOperator<Planes>>> stages = new ArrayList<>();

    Decoder(VaeConfig config, VaeWeights w) {
        int groups = config.normGroups();
        int levels = config.levels();
        long latent = config.latentChannels();
        long top = config.channels(levels - 1);
        Conv2d postQuant = new Conv2d(w, "post_quant_conv", latent, latent, 1);
        Conv2d convIn = new Conv2d(w, "decoder.conv_in", latent, top, 3);
        stages.add(List.of(postQuant::forward, convIn::forward));
        stages.add(MidBlock.blocks(w, "decoder.mid_block", top, groups));
        long previous = top;
        for (int i = 0; i < levels; i++) {
            long channels = config.channels(levels - 1 - i);
            List<UnaryOperator<Planes>> level = new ArrayList<>();
            for (int j = 0; j <= config.layersPerBlock(); j++) {
                String name = "decoder.up_blocks." + i + ".resnets." + j;
                level.add(new ResnetBlock2D(w, name, j == 0 ? previous : channels, channels, groups)::forward);
            }
            if (i < levels - 1) level.add(new Upsample2D(w, "decoder.up_blocks." + i + ".upsamplers.0", channels)::forward);
            stages.add(level);
            previous = channels;
        }
        GroupNorm normOut = new GroupNorm(w, "decoder.conv_norm_out", previous, groups);
        Conv2d convOut = new Conv2d(w, "decoder.conv_out", previous, config.outChannels(), 3);
        stages.add(List.of(x -> convOut.forward(normOut.forward(x, true, true))));
    }
}
