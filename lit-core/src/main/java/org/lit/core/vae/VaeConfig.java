package org.lit.core.vae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;

/**
 * The shape of a diffusers AutoencoderKL (the Stable Diffusion VAE), as its config.json gives it.
 * Levels are {@code blockOutChannels.length}; every level but the last halves the side, so the
 * latent side is the image side over {@link #downsampleFactor()}.
 */
public record VaeConfig(int inChannels, int outChannels, int latentChannels, int[] blockOutChannels, int layersPerBlock,
                        int normGroups, double scalingFactor) {
    /** diffusers' default for a config.json without the key (the published 0.4.2 files lack it). */
    public static final double DEFAULT_SCALING_FACTOR = 0.18215;

    /**
     * Parts newer diffusers can switch off; the SD VAE has them all, and so does this implementation.
     * Other keys (sample_size, force_upcast, latents_mean, ...) do not change the computation.
     */
    private static final Set<String> ALWAYS_ON = Set.of("use_quant_conv", "use_post_quant_conv", "mid_block_add_attention");

    public VaeConfig {
        blockOutChannels = blockOutChannels.clone();
        positive("in_channels", inChannels);
        positive("out_channels", outChannels);
        positive("latent_channels", latentChannels);
        positive("layers_per_block", layersPerBlock);
        positive("norm_num_groups", normGroups);
        if (blockOutChannels.length == 0) throw new IllegalArgumentException("block_out_channels is empty");
        for (int c : blockOutChannels) {
            if (c <= 0 || c % normGroups != 0) {
                throw new IllegalArgumentException("block_out_channels " + Arrays.toString(blockOutChannels)
                        + ": every level needs a positive multiple of norm_num_groups " + normGroups + ", got " + c);
            }
        }
        if (!(scalingFactor > 0) || Double.isInfinite(scalingFactor)) {
            throw new IllegalArgumentException("scaling_factor must be positive and finite, got " + scalingFactor);
        }
    }

    /** stabilityai/sd-vae-ft-ema and -ft-mse (and the VAE inside SD 1.x/2.x and DiT's). */
    public static VaeConfig sdVae() {
        return new VaeConfig(3, 3, 4, new int[] {128, 256, 512, 512}, 2, 32, DEFAULT_SCALING_FACTOR);
    }

    /**
     * Reads a diffusers config.json. Keys the file lacks take diffusers' AutoencoderKL defaults
     * (scaling_factor 0.18215, one level of 64 channels, ...); a value this forward pass would
     * compute differently from diffusers (another activation or block type, no quant convs, a
     * shift_factor) is an error naming the file and key.
     */
    public static VaeConfig fromJson(Path configJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(configJson));
        } catch (IOException e) {
            throw new IllegalArgumentException(configJson + ": cannot read VAE config: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(configJson + ": not a JSON object");
        Json j = new Json(root, configJson);
        int[] channels = j.ints("block_out_channels", new int[] {64});
        j.requireText("act_fn", "silu");
        j.requireEach("down_block_types", "DownEncoderBlock2D", channels.length);
        j.requireEach("up_block_types", "UpDecoderBlock2D", channels.length);
        for (String key : ALWAYS_ON) j.requireTrue(key);
        if (root.hasNonNull("shift_factor")) {
            throw new IllegalArgumentException(configJson + ": shift_factor " + root.get("shift_factor")
                    + " is not supported (only the SD 1.x/2.x VAE: latents = sample * scaling_factor)");
        }
        try {
            return new VaeConfig(j.integer("in_channels", 3), j.integer("out_channels", 3), j.integer("latent_channels", 4), channels,
                    j.integer("layers_per_block", 1), j.integer("norm_num_groups", 32), j.number("scaling_factor", DEFAULT_SCALING_FACTOR));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Image side over latent side: 2^(levels-1), 8 for the SD VAE. */
    public int downsampleFactor() {
        return 1 << (blockOutChannels.length - 1);
    }

    @Override
    public int[] blockOutChannels() {
        return blockOutChannels.clone();
    }

    public int levels() {
        return blockOutChannels.length;
    }

    /** Channels of level i (encoder order: finest first). */
    public int channels(int level) {
        return blockOutChannels[level];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaeConfig c && inChannels == c.inChannels && outChannels == c.outChannels && latentChannels == c.latentChannels
                && Arrays.equals(blockOutChannels, c.blockOutChannels) && layersPerBlock == c.layersPerBlock && normGroups == c.normGroups
                && Double.compare(scalingFactor, c.scalingFactor) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(blockOutChannels) + java.util.Objects.hash(inChannels, outChannels, latentChannels, layersPerBlock, normGroups, scalingFactor);
    }

    @Override
    public String toString() {
        return "VaeConfig[in=" + inChannels + ", out=" + outChannels + ", latent=" + latentChannels + ", blockOutChannels="
                + Arrays.toString(blockOutChannels) + ", layersPerBlock=" + layersPerBlock + ", normGroups=" + normGroups
                + ", scalingFactor=" + scalingFactor + "]";
    }

    private static void positive(String key, int value) {
        if (value <= 0) throw new IllegalArgumentException(key + " must be positive, got " + value);
    }

    /** Typed reads of one config.json; every error names the file and the key. */
    private record Json(JsonNode root, Path file) {
        int integer(String key, int fallback) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) return fallback;
            if (!n.isIntegralNumber() || !n.canConvertToInt()) throw bad(key, "an integer");
            return n.intValue();
        }

        double number(String key, double fallback) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) return fallback;
            if (!n.isNumber()) throw bad(key, "a number");
            return n.doubleValue();
        }

        int[] ints(String key, int[] fallback) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) return fallback;
            if (!n.isArray() || n.isEmpty()) throw bad(key, "a non-empty list of integers");
            int[] out = new int[n.size()];
            for (int i = 0; i < out.length; i++) {
                if (!n.get(i).isIntegralNumber() || !n.get(i).canConvertToInt()) throw bad(key, "a non-empty list of integers");
                out[i] = n.get(i).intValue();
            }
            return out;
        }

        void requireText(String key, String expected) {
            JsonNode n = root.get(key);
            if (n != null && !n.isNull() && !expected.equals(n.asText())) throw bad(key, "\"" + expected + "\" (the only one supported)");
        }

        void requireEach(String key, String expected, int count) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) return;
            if (!n.isArray() || n.size() != count) throw bad(key, "a list of " + count + " (one per block_out_channels entry)");
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                if (!expected.equals(it.next().asText())) throw bad(key, "a list of \"" + expected + "\" (the only block supported)");
            }
        }

        void requireTrue(String key) {
            JsonNode n = root.get(key);
            if (n != null && !n.isNull() && !(n.isBoolean() && n.booleanValue())) throw bad(key, "true (the only setting supported)");
        }

        IllegalArgumentException bad(String key, String expected) {
            return new IllegalArgumentException(file + ": key \"" + key + "\" must be " + expected + ", got " + root.get(key));
        }
    }
}
