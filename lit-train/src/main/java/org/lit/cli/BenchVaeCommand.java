package org.lit.cli;

import org.lit.bench.TorchBaseline;
import org.lit.core.vae.AutoencoderKL;
import org.lit.core.vae.VaeConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Speed of the SD VAE in Java against PyTorch on the same machine, in the same run, with the same
 * thread count: the real-size AutoencoderKL (random weights), encode and decode, median of timed runs.
 */
@Command(name = "bench-vae", mixinStandardHelpOptions = true,
        description = "SD VAE encode and decode speed (Java vs PyTorch, same run, same threads): seconds per image and the ratio.")
final class BenchVaeCommand implements Runnable {
    @Option(names = "--batch", defaultValue = "1", description = "images per call (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--size", defaultValue = "256", description = "image side in pixels, a multiple of 8 (default: ${DEFAULT-VALUE})")
    int size;

    @Mixin
    TimedRunsOptions timing;

    @Mixin
    TorchBaselineOptions baseline;

    @Override
    public void run() {
        if (size <= 0 || size % 8 != 0) throw new IllegalArgumentException("--size must be a positive multiple of 8, got " + size);
        if (batch <= 0) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        Optional<TorchBaseline> torch = baseline.find("tools/bench/torch_vae.py");
        System.out.printf("lit bench-vae: SD VAE (random weights), batch %d, %dx%d, float32, %d threads, backend %s%n", batch, size, size,
                threads, Nd4j.getBackend().getClass().getSimpleName());
        System.out.println(torch.map(t -> "baseline: " + t.describe()).orElse("baseline: PyTorch not available (needs python3 with torch and tools/bench/torch_vae.py); Java only"));

        AutoencoderKL vae = AutoencoderKL.of(VaeConfig.sdVae(), randomWeights(VaeConfig.sdVae(), 0), "random weights");
        Nd4j.getRandom().setSeed(1);
        INDArray images = Nd4j.rand(DataType.FLOAT, batch, 3, size, size).muli(2).subi(1);
        INDArray latents = Nd4j.randn(DataType.FLOAT, batch, 4, size / 8, size / 8).muli(0.18215 * 5);
        double[] javaEncode = timing.median(() -> vae.encode(images));
        double[] javaDecode = timing.median(() -> vae.decode(latents));

        double[] torchEncode = null, torchDecode = null;
        if (torch.isPresent()) {
            try {
                JsonNode j = torch.get().run(threads, "--batch", "" + batch, "--size", "" + size, "--runs", "" + timing.runs, "--warmup", "" + timing.warmup);
                torchEncode = new double[] {j.get("encode_seconds").asDouble(), j.get("encode_cpu_seconds").asDouble()};
                torchDecode = new double[] {j.get("decode_seconds").asDouble(), j.get("decode_cpu_seconds").asDouble()};
                System.out.println("PyTorch " + j.get("torch").asText() + ", " + j.get("threads").asInt() + " threads");
            } catch (Exception e) {
                System.out.println("PyTorch baseline failed: " + e.getMessage());
            }
        }
        System.out.printf("%n%-7s %12s %12s %8s %12s %12s %10s%n", "", "java s/img", "torch s/img", "ratio", "java img/s", "torch img/s", "cpu ratio");
        row("encode", javaEncode, torchEncode);
        row("decode", javaDecode, torchDecode);
        System.out.printf("%nmedian of %d calls after %d warm-up; ratio = Java time / PyTorch time (<= 1.0: Java is as fast or faster);%n"
                + "cpu ratio = the same for process CPU seconds (all threads), less sensitive to other load on a shared machine%n", timing.runs, timing.warmup);
    }

    private void row(String what, double[] java, double[] torch) {
        System.out.printf("%-7s %12.3f %12s %8s %12.3f %12s %10s%n", what, java[0] / batch, torch == null ? "-" : String.format("%.3f", torch[0] / batch),
                torch == null ? "-" : String.format("%.2f", java[0] / torch[0]), batch / java[0], torch == null ? "-" : String.format("%.3f", batch / torch[0]),
                torch == null ? "-" : String.format("%.2f", java[1] / torch[1]));
    }

    /**
     * PyTorch's default initialisation, as torch_vae.py gets it: conv and linear weights and biases
     * uniform in +-1/sqrt(fan_in), GroupNorm scale 1 and shift 0.
     */
    static Map<String, INDArray> randomWeights(VaeConfig config, long seed) {
        Nd4j.getRandom().setSeed(seed);
        Map<String, long[]> shapes = AutoencoderKL.stateDictShapes(config);
        Map<String, INDArray> out = new LinkedHashMap<>();
        long fanIn = 1;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] shape = e.getValue();
            String name = e.getKey();
            boolean norm = name.contains("norm");
            if (name.endsWith(".weight")) fanIn = shape.length > 1 ? shape[1] * (shape.length == 4 ? shape[2] * shape[3] : 1) : 1;
            INDArray t;
            if (norm) t = name.endsWith(".weight") ? Nd4j.ones(DataType.FLOAT, shape) : Nd4j.zeros(DataType.FLOAT, shape);
            else t = Nd4j.rand(DataType.FLOAT, shape).muli(2).subi(1).muli(1.0 / Math.sqrt(fanIn));
            out.put(name, t);
        }
        return out;
    }
}
