package org.lit.cli;

import org.lit.core.Chunks;
import org.lit.core.config.ModelConfig;
import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.vae.AutoencoderKL;
import org.lit.data.VaeFiles;
import org.lit.core.image.SampleGrid;
import org.lit.core.diffusion.Sampler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** lit sample: any weights, DDPM or DDIM, optional guidance, reproducible from given noise. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Sample images (or raw model-space arrays) from a checkpoint.")
final class SampleCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--weights", required = true, description = "weights file, or a checkpoint folder (its ema.safetensors is used)")
    Path weights;

    @Option(names = "--labels", required = true, split = ",", description = "class labels, one sample each: 0,1,2,3")
    List<Integer> labels;

    @Option(names = "--noise", description = ".npz with array `noise` (N, C, H, W): start from it instead of seeded noise")
    Path noise;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the starting noise and DDPM's step noise (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--sampler", defaultValue = "ddpm", description = "ddpm | ddim (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--steps", defaultValue = "250", description = "sampling steps, respaced as create_diffusion(str(N)) (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--cfg-scale", defaultValue = "1.0", description = "classifier-free guidance scale; 1 = none (default: ${DEFAULT-VALUE})")
    double cfgScale;

    @Option(names = "--clip-denoised", description = "clamp each step's x0 estimate to [-1, 1] (pixel-space models; DiT's latents are sampled unclipped)")
    boolean clipDenoised;

    @Option(names = "--raw", description = "write the sampler's output in model space (float32 `samples`, N x C x H x W) to an .npz")
    boolean raw;

    @Option(names = "--vae", description = "VAE weights (file or diffusers folder, any Hadoop URI) that decode a latent model's samples to images")
    String vae;

    @Option(names = "--out", required = true, description = "a folder (PNG grid and one PNG per sample) or an .npz")
    Path out;

    @Override
    public void run() {
        ModelConfig config = options.modelConfig();
        if (!sampler.equals("ddpm") && !sampler.equals("ddim")) throw new IllegalArgumentException("--sampler must be ddpm or ddim, got '" + sampler + "'");
        boolean npz = out.getFileName().toString().endsWith(".npz");
        if (raw && !npz) throw new IllegalArgumentException("--raw writes an .npz; got --out " + out);
        if (!raw && config.inChannels() != 3 && vae == null) {
            throw new IllegalArgumentException(config.name() + " samples latents (" + config.inChannels() + " channels): give --vae FILE to decode them, or --raw for the latents");
        }
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        DiffusionTransformer model = new DiffusionTransformer(config, DataType.FLOAT);
        Path file = Files.isDirectory(weights) ? weights.resolve("ema.safetensors") : weights;
        model.parameters().load(TensorFiles.read(file), file.toString());
        INDArray z = noise == null ? Sampler.noise(seed, y.length, config) : startNoise(config, y.length);
        GaussianDiffusion d = GaussianDiffusion.respaced(String.valueOf(steps));
        long start = System.nanoTime();
        INDArray samples = Sampler.run(model, d, z, y, new Sampler.Options(sampler.equals("ddpm"), cfgScale, clipDenoised, seed));
        System.out.printf("%d samples, %s %d steps, cfg %.2f: %.1f s%n", y.length, sampler, steps, cfgScale, (System.nanoTime() - start) / 1e9);
        if (!raw && vae != null) samples = decode(samples);
        try {
            write(samples, npz);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** Latents to images, a few at a time (a 256px decode holds large activations). */
    private INDArray decode(INDArray latents) {
        return Chunks.apply(latents, 4, AutoencoderKL.load(VaeFiles.local(vae))::decode);
    }

    private INDArray startNoise(ModelConfig c, int n) {
        INDArray z = TensorFiles.read(noise).get("noise");
        long[] want = {n, c.inChannels(), c.inputSize(), c.inputSize()};
        if (z == null) throw new IllegalArgumentException(noise + ": no array named `noise`");
        if (!Arrays.equals(z.shape(), want)) {
            throw new IllegalArgumentException(noise + ": noise has shape " + Arrays.toString(z.shape()) + ", expected " + Arrays.toString(want));
        }
        return z.castTo(DataType.FLOAT);
    }

    private void write(INDArray samples, boolean npz) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        if (raw) {
            arrays.put("samples", samples.castTo(DataType.FLOAT));
            TensorFiles.write(out, arrays);
        } else if (npz) {
            // ADM's sample batch: arr_0, uint8 (N, H, W, 3)
            float[] v = samples.castTo(DataType.FLOAT).dup('c').data().asFloat();
            int[] q = new int[v.length];
            for (int i = 0; i < v.length; i++) q[i] = SampleGrid.quantize(v[i]);
            arrays.put("arr_0", Nd4j.createFromArray(q).reshape('c', samples.shape()).permute(0, 2, 3, 1).dup('c').castTo(DataType.UBYTE));
            TensorFiles.write(out, arrays);
        } else {
            Files.createDirectories(out);
            try (OutputStream o = Files.newOutputStream(out.resolve("grid.png"))) {
                SampleGrid.write(samples, Math.min(8, (int) samples.size(0)), o);
            }
            for (int i = 0; i < samples.size(0); i++) {
                try (OutputStream o = Files.newOutputStream(out.resolve(String.format("%06d.png", i)))) {
                    SampleGrid.write(samples.get(NDArrayIndex.interval(i, i + 1)), 1, o);
                }
            }
        }
        System.out.println("wrote " + out);
    }
}
