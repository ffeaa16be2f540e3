package org.lit.cli;

import org.lit.core.Chunks;
import org.lit.core.io.TensorFiles;
import org.lit.core.vae.AutoencoderKL;
import org.lit.core.vae.Posterior;
import org.lit.data.VaeFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The SD VAE on arrays in .npz files: `lit vae encode` and `lit vae decode`. */
@Command(name = "vae", mixinStandardHelpOptions = true, subcommands = {VaeCommand.Encode.class, VaeCommand.Decode.class},
        description = "Run the Stable Diffusion VAE (diffusers AutoencoderKL): encode images to the latent posterior, decode latents to images.")
final class VaeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** What both directions take: the weights, the input and output files, the batch per call. */
    static final class Io {
        @Option(names = "--vae", required = true, description = "diffusers VAE folder (diffusion_pytorch_model.safetensors or .bin, config.json) or a weights file; any Hadoop URI")
        String vae;

        @Option(names = "--inputs", required = true, description = ".npz to read")
        Path inputs;

        @Option(names = "--out", required = true, description = ".npz to write")
        Path out;

        @Option(names = "--batch", defaultValue = "8", description = "images per VAE call (default: ${DEFAULT-VALUE})")
        int batch;

        /** The named array, checked to be (N, channels, H, W) with H, W multiples of `multiple`. */
        INDArray read(String array, long channels, long multiple) {
            if (batch <= 0) throw new IllegalArgumentException("--batch must be positive, got " + batch);
            Map<String, INDArray> in = TensorFiles.read(inputs);
            INDArray x = in.get(array);
            if (x == null) throw new IllegalArgumentException(inputs + ": missing array '" + array + "' (has " + in.keySet() + ")");
            long[] s = x.shape();
            if (x.rank() != 4 || s[0] == 0 || s[1] != channels || s[2] == 0 || s[3] == 0 || s[2] % multiple != 0 || s[3] % multiple != 0) {
                throw new IllegalArgumentException(inputs + ": array '" + array + "' must be (N, " + channels + ", H, W)"
                        + (multiple > 1 ? " with H and W multiples of " + multiple : "") + ", got " + Arrays.toString(s));
            }
            return x.castTo(DataType.FLOAT);
        }

        /** f over chunks of `batch` samples; each output array concatenated over the chunks. */
        /**
         * Loads the VAE, reads the input array (image or latent shaped for this VAE), runs f over
         * chunks of `batch` and writes what it returns.
         */
        void run(String array, boolean images, java.util.function.BiFunction<AutoencoderKL, INDArray, Map<String, INDArray>> f) {
            AutoencoderKL vae = AutoencoderKL.load(VaeFiles.local(this.vae));
            INDArray x = images ? read(array, vae.config().inChannels(), vae.config().downsampleFactor()) : read(array, vae.config().latentChannels(), 1);
            write(Chunks.map(x, batch, chunk -> f.apply(vae, chunk)));
        }

        void write(Map<String, INDArray> arrays) {
            TensorFiles.write(out, arrays);
            StringBuilder sb = new StringBuilder("wrote");
            arrays.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(Arrays.toString(v.shape())));
            System.out.println(sb.append(" to ").append(out));
        }
    }

    @Command(name = "encode", mixinStandardHelpOptions = true,
            description = "Read `images` (N,3,H,W float32 in [-1,1], H and W multiples of 8); write the posterior's float32 `mean` and `std` (N,4,H/8,W/8).")
    static final class Encode implements Runnable {
        @Mixin
        Io io;

        @Override
        public void run() {
            io.run("images", true, (vae, chunk) -> {
                Posterior p = vae.encode(chunk);
                Map<String, INDArray> arrays = new LinkedHashMap<>();
                arrays.put("mean", p.mean());
                arrays.put("std", p.std());
                return arrays;
            });
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true,
            description = "Read `latents` (N,4,h,w, scaled as the diffusion model sees them: sample * scaling_factor); write float32 `images` (N,3,8h,8w), not clamped.")
    static final class Decode implements Runnable {
        @Mixin
        Io io;

        @Override
        public void run() {
            io.run("latents", false, (vae, chunk) -> Map.of("images", vae.decode(chunk)));
        }
    }
}
