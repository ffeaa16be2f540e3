package org.lit.cli;

import org.lit.bench.Timings;
import org.lit.bench.TorchBaseline;
import org.lit.core.config.ModelConfig;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.vae.AutoencoderKL;
import org.lit.core.vae.VaeConfig;
import org.lit.eval.sample.SampleOptions;
import org.lit.eval.sample.SamplingModels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Optional;

/**
 * Images/s of what `lit sample` does per batch (DDPM with guidance, then the SD VAE's decoder),
 * against the same loop in PyTorch (tools/bench/torch_sample.py), in the same run, same threads.
 */
@Command(name = "bench-sample", mixinStandardHelpOptions = true,
        description = "lit sample's images/s (guided DDPM + VAE decode, random weights) against PyTorch's same loop: same run, same threads.")
final class BenchSampleCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--input", defaultValue = "32", description = "latent side: 32 = 256px images (default: ${DEFAULT-VALUE})")
    int input;

    @Option(names = "--batch", defaultValue = "4", description = "images per batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--steps", defaultValue = "10", description = "DDPM steps (250 for FID; fewer here, the time per step is what counts) (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--cfg-scale", defaultValue = "1.5", description = "guidance scale (default: ${DEFAULT-VALUE})")
    double cfgScale;

    @Mixin
    TimedRunsOptions timing;

    @Mixin
    TorchBaselineOptions baseline;

    @Override
    public void run() {
        if (batch <= 0 || steps <= 0) throw new IllegalArgumentException("--batch and --steps must be positive");
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        if (options.model == null) options.model = "DiT-S/2";
        ModelConfig config = options.modelConfig("model.input-size=" + input);
        Optional<TorchBaseline> torch = baseline.find("tools/bench/torch_sample.py");
        System.out.printf("lit bench-sample: %s (random weights) at %dx%d latents, batch %d, DDPM %d steps, cfg %.2f, SD VAE decode, %d threads, backend %s%n",
                config.name(), input, input, batch, steps, cfgScale, threads, Nd4j.getBackend().getClass().getSimpleName());
        System.out.println(torch.map(t -> "baseline: " + t.describe()).orElse("baseline: PyTorch not available (needs python3 with torch and tools/bench/torch_sample.py); Java only"));

        DiffusionTransformer dit = new DiffusionTransformer(config, DataType.FLOAT);
        dit.parameters().initialize(0);
        Nd4j.getRandom().setSeed(2);
        dit.parameters().values().addi(Nd4j.randn(DataType.FLOAT, dit.parameters().size()).muli(0.02));    // adaLN-Zero's zeros would make the output trivial
        AutoencoderKL vae = AutoencoderKL.of(VaeConfig.sdVae(), BenchVaeCommand.randomWeights(VaeConfig.sdVae(), 0), "random weights");
        SamplingModels models = new SamplingModels(dit, vae);
        SampleOptions o = new SampleOptions("(random weights)", config, "(random weights)", batch, true, steps, cfgScale, false, 0, batch, batch, "bench.npz", -1, null);
        INDArray[] last = new INDArray[1];
        double[] ours = timing.median(() -> last[0] = models.sample(o, 0, batch));
        // The decoder alone, on latents of the same shape: what of the total is the VAE's.
        INDArray latents = Nd4j.randn(DataType.FLOAT, batch, config.inChannels(), input, input).muli(0.18215 * 5);
        double[] oursDecode = Timings.median(() -> org.lit.core.Chunks.apply(latents, 4, vae::decode), timing.runs, 0);

        double[] py = null;
        if (torch.isPresent()) {
            try {
                JsonNode j = torch.get().run(threads, "--model", config.name(), "--batch", "" + batch, "--input", "" + input, "--steps", "" + steps,
                        "--cfg-scale", "" + cfgScale, "--runs", "" + timing.runs, "--warmup", "" + timing.warmup);
                py = new double[] {j.get("seconds").asDouble(), j.get("cpu_seconds").asDouble(), j.get("decode_seconds").asDouble(), j.get("decode_cpu_seconds").asDouble()};
                System.out.println("PyTorch " + j.get("torch").asText() + ", " + j.get("threads").asInt() + " threads");
            } catch (Exception e) {
                System.out.println("PyTorch baseline failed: " + e.getMessage());
            }
        }
        System.out.printf("%n%-16s %12s %12s %8s %10s%n", "", "java img/s", "torch img/s", "ratio", "cpu ratio");
        row("sample + decode", ours[0], ours[1], py == null ? null : new double[] {py[0], py[1]});
        row("decode only", oursDecode[0], oursDecode[1], py == null ? null : new double[] {py[2], py[3]});
        row("sampling only", ours[0] - oursDecode[0], ours[1] - oursDecode[1], py == null ? null : new double[] {py[0] - py[2], py[1] - py[3]});
        System.out.printf("%nmedian of %d batches after %d warm-up; ratio = Java time / PyTorch time (<= 1.0: Java is as fast or faster); "
                + "images %s; sampling only = the difference of the two medians%n", timing.runs, timing.warmup, java.util.Arrays.toString(last[0].shape()));
    }

    private void row(String what, double wall, double cpu, double[] torch) {
        System.out.printf("%-16s %12.3f %12s %8s %10s%n", what, batch / wall, torch == null ? "-" : String.format("%.3f", batch / torch[0]),
                torch == null ? "-" : String.format("%.2f", wall / torch[0]), torch == null ? "-" : String.format("%.2f", cpu / torch[1]));
    }
}
