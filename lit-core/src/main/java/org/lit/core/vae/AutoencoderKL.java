package org.lit.core.vae;

import org.lit.core.io.TensorFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The Stable Diffusion VAE (diffusers AutoencoderKL), forward only, float32, matching diffusers op
 * for op (../shared/VAE.md; tools/reference/vae_reference.py is the PyTorch twin the tests compare
 * against): {@link #encode} gives the latent posterior of images, {@link #decode} images of
 * latents. Immutable after loading; safe to share between threads (each thread computes in its
 * own workspaces, {@link Scopes}).
 *
 * <p>Inside, activations are channel-major zero-bordered {@link Planes}: convolutions and the
 * attention are then GEMMs on (C, pixels) matrices with no transposes and no im2col. Inputs and
 * outputs are the usual NCHW.
 */
public final class AutoencoderKL {
    public static final String SAFETENSORS = "diffusion_pytorch_model.safetensors";
    public static final String BIN = "diffusion_pytorch_model.bin";
    public static final String CONFIG = "config.json";

    private final VaeConfig config;
    private final Encoder encoder;
    private final Decoder decoder;

    private AutoencoderKL(VaeConfig config, Encoder encoder, Decoder decoder) {
        this.config = config;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /**
     * Loads a diffusers VAE. A folder holds diffusion_pytorch_model.safetensors (preferred, as
     * diffusers prefers it) or diffusion_pytorch_model.bin; a file is read as it is (.safetensors,
     * .bin/.pt torch zip, .npz). config.json beside the weights gives the architecture; without one,
     * the SD VAE's ({@link VaeConfig#sdVae()}).
     */
    public static AutoencoderKL load(Path weightsFileOrFolder) {
        Path weights = weightsFile(weightsFileOrFolder);
        Path folder = weights.toAbsolutePath().getParent();
        Path configJson = folder == null ? null : folder.resolve(CONFIG);
        VaeConfig config = configJson != null && Files.isRegularFile(configJson) ? VaeConfig.fromJson(configJson) : VaeConfig.sdVae();
        return of(config, TensorFiles.read(weights), weights.toString());
    }

    /** The weights file that load() reads: the file itself, or the folder's .safetensors (else .bin). */
    public static Path weightsFile(Path weightsFileOrFolder) {
        Path weights = weightsFileOrFolder;
        if (Files.isDirectory(weightsFileOrFolder)) {
            weights = weightsFileOrFolder.resolve(SAFETENSORS);
            if (!Files.isRegularFile(weights)) weights = weightsFileOrFolder.resolve(BIN);
            if (!Files.isRegularFile(weights)) {
                throw new IllegalArgumentException(weightsFileOrFolder + ": no VAE weights in this folder (expected " + SAFETENSORS + " or " + BIN + ")");
            }
        } else if (!Files.isRegularFile(weightsFileOrFolder)) {
            throw new IllegalArgumentException(weightsFileOrFolder + ": no such VAE weights file or folder");
        }
        return weights;
    }

    /** Builds the model from a state dict (either attention naming); strict: see {@link VaeWeights}. */
    public static AutoencoderKL of(VaeConfig config, Map<String, INDArray> weights, String source) {
        VaeWeights w = new VaeWeights(weights, source);
        Encoder encoder = new Encoder(config, w);
        Decoder decoder = new Decoder(config, w);
        w.finish();
        return new AutoencoderKL(config, encoder, decoder);
    }

    /**
     * Every tensor name (current diffusers naming) and shape a state dict of this config holds, in
     * build order: 248 tensors, 83,653,863 values for {@link VaeConfig#sdVae()}.
     */
    public static Map<String, long[]> stateDictShapes(VaeConfig config) {
        VaeWeights w = new VaeWeights(Map.of(), "no file");
        new Encoder(config, w);
        new Decoder(config, w);
        return new java.util.LinkedHashMap<>(w.expected());
    }

    public VaeConfig config() {
        return config;
    }

    /**
     * The latent posterior of images (N, inChannels, H, W) in [-1, 1], H and W multiples of
     * {@link VaeConfig#downsampleFactor()}: mean and std, each (N, latentChannels, H/8, W/8) float32.
     */
    public Posterior encode(INDArray images) {
        requireShape(images, "images", config.inChannels(), config.downsampleFactor());
        long latent = config.latentChannels();
        try (MemoryWorkspace ws = Scopes.forward()) {
            INDArray moments = Scopes.run(encoder.stages, Planes.of(channelMajor(images))).interior().dup('c');
            INDArray mean = moments.get(NDArrayIndex.interval(0, latent));
            INDArray logvar = Transforms.min(Transforms.max(moments.get(NDArrayIndex.interval(latent, 2 * latent)), -30.0, true), 20.0, false);
            INDArray std = Transforms.exp(logvar.muli(0.5), false);
            return new Posterior(sampleMajor(mean).detach(), sampleMajor(std).detach());
        }
    }

    /**
     * Images (N, outChannels, 8h, 8w) float32, not clamped, of latents (N, latentChannels, h, w)
     * scaled as the diffusion model sees them: they are divided by scalingFactor first.
     */
    public INDArray decode(INDArray latents) {
        requireShape(latents, "latents", config.latentChannels(), 1);
        try (MemoryWorkspace ws = Scopes.forward()) {
            Planes z = Planes.of(channelMajor(latents).div(config.scalingFactor()));
            return Scopes.run(decoder.stages, z).toSampleMajor().detach();
        }
    }

    private static void requireShape(INDArray x, String what, long channels, long multiple) {
        long[] s = x.shape();
        if (x.rank() != 4 || s[1] != channels || s[0] == 0 || s[2] == 0 || s[3] == 0 || s[2] % multiple != 0 || s[3] % multiple != 0) {
            throw new IllegalArgumentException(what + " must be (N, " + channels + ", H, W)" + (multiple > 1 ? " with H and W multiples of " + multiple : "")
                    + ", got " + Arrays.toString(s));
        }
    }

    /** NCHW (any type, any order) as a channel-major float32 (C, N, H, W) view. */
    private static INDArray channelMajor(INDArray x) {
        return x.castTo(DataType.FLOAT).permute(1, 0, 2, 3);
    }

    private static INDArray sampleMajor(INDArray x) {
        return x.permute(1, 0, 2, 3).dup('c');
    }
}
