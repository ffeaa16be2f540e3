package org.lit.cli;

import org.lit.core.Chunks;
import org.lit.core.config.ModelConfig;
import org.lit.core.io.DTypes;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.BlockSchedule;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.vae.AutoencoderKL;
import org.lit.data.VaeFiles;
import org.lit.eval.sample.ModelWeights;
import org.lit.eval.sample.SampleJob;
import org.lit.eval.sample.SampleOptions;
import org.lit.eval.sample.Sampling;
import org.lit.core.image.SampleGrid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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

/**
 * lit sample: any weights, DDPM or DDIM, optional guidance. With --labels, the given samples here
 * (reproducible from given noise); with --num, a sample set for FID as a Spark job (SampleJob).
 */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Sample images (or raw model-space arrays) from a checkpoint.")
final class SampleCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--weights", required = true, description = "weights file, or a checkpoint folder (its ema.safetensors is used), any Hadoop URI")
    String weights;

    @Option(names = "--labels", split = ",", description = "class labels, one sample each: 0,1,2,3 (or --num)")
    List<Integer> labels;

    @Option(names = "--num", description = "a sample set of N, as a Spark job: classes and noise of sample i from (seed, i); --out URI.npz (ADM's sample batch) and a grid")
    Long num;

    @Option(names = "--batch", defaultValue = "32", description = "with --num: samples a task draws at once (default: ${DEFAULT-VALUE}, sample_ddp.py's per-process batch)")
    int batch;

    @Option(names = "--part-size", defaultValue = "0", description = "with --num: samples per part, the unit a task makes and a re-run skips (default: about 50 parts, each at least --batch and at most 1000 samples)")
    int partSize;

    @Mixin
    SparkOptions spark;

    @Option(names = "--fault-kill-part", hidden = true, defaultValue = "-1", description = "tests: this part's task dies on its first attempt")
    int killPart;

    @Option(names = "--noise", description = ".npz with array `noise` (N, C, H, W): start from it instead of seeded noise")
    Path noise;

    @Mixin
    SamplerOptions sampler;

    @Option(names = "--layers", description = "a layer strategy at sampling time: skip=A-B, repeat=A-B, reverse=A-B, parallel=A-B or loop=A-B:K (blocks 0..depth-1; see README)")
    String layers;

    @Option(names = "--raw", description = "write the sampler's output in model space (float32 `samples`, N x C x H x W) to an .npz")
    boolean raw;

    @Option(names = "--vae", description = "VAE weights (file or diffusers folder, any Hadoop URI) that decode a latent model's samples to images")
    String vae;

    @Option(names = "--out", required = true, description = "a folder (PNG grid and one PNG per sample) or an .npz; with --num an .npz, any Hadoop URI")
    String outUri;

    private Path out;

    @Override
    public void run() {
        ModelConfig config = options.modelConfig();
        Sampling how = sampler.sampling();
        if ((num == null) == (labels == null)) throw new IllegalArgumentException("give either --labels (these samples, here) or --num N (a sample set, as a Spark job)");
        if (num != null) {
            if (noise != null || raw) throw new IllegalArgumentException("--noise and --raw go with --labels; --num draws its own noise and writes images");
            sampleSet(config, how);
            return;
        }
        out = Path.of(outUri);
        boolean npz = out.getFileName().toString().endsWith(".npz");
        if (raw && !npz) throw new IllegalArgumentException("--raw writes an .npz; got --out " + out);
        if (!raw && config.inChannels() != 3 && vae == null) {
            throw new IllegalArgumentException(config.name() + " samples latents (" + config.inChannels() + " channels): give --vae FILE to decode them, or --raw for the latents");
        }
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        DiffusionTransformer model = ModelWeights.load(config, weights);
        model.setSchedule(BlockSchedule.parse(layers, config.depth()));
        long start = System.nanoTime();
        INDArray samples = noise == null ? how.ofLabels(model, y) : how.fromNoise(model, startNoise(config, y.length), y);
        System.out.printf("%d samples, %s: %.1f s%n", y.length, how.describe(), (System.nanoTime() - start) / 1e9);
        if (!raw && vae != null) samples = decode(samples);
        try {
            write(samples, npz);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private void sampleSet(ModelConfig config, Sampling how) {
        SampleOptions o = new SampleOptions(weights, config, vae, num, how.ddpm(), how.steps(), how.cfgScale(), how.clipDenoised(), how.seed(), batch,
                partSize > 0 ? partSize : SampleOptions.defaultPartSize(num, batch), outUri, killPart, layers);
        SampleJob.Report r;
        try {
            r = SampleJob.run(spark.conf(), o);
        } catch (IllegalArgumentException e) {
            throw e;                                    // bad input found before any task ran: already the user's message
        } catch (Exception e) {
            throw Lit.jobFailed("sample", e, " (run the same command again: finished parts are kept)");
        }
        System.out.printf("%d samples in %d part(s) (%d sampled by this run), %.1f s (%.2f samples/s): %s, grid %s%n",
                r.samples(), r.parts(), r.sampled(), r.seconds(), r.samples() / r.seconds(), r.npz(), r.grid());
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
            long[] nhwc = {samples.size(0), samples.size(2), samples.size(3), 3};
            arrays.put("arr_0", DTypes.decode(java.nio.ByteBuffer.wrap(SampleGrid.toUint8Nhwc(samples)), DataType.UBYTE, nhwc));
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
