package org.lit.cli;

import org.lit.bench.TorchBaseline;
import org.lit.eval.inception.InceptionV3;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Speed of the FID Inception (ADM's evaluator pipeline: uint8 images, TF1 resize to 299, the network, pool_3 /
 * spatial / logits) in Java against PyTorch on the same machine, in the same run, with the same thread count and
 * the same images, median of timed calls.
 */
@Command(name = "bench-inception", mixinStandardHelpOptions = true,
        description = "FID Inception features speed on 256x256 uint8 images (Java vs PyTorch, same run, same threads): images/s and the ratio.")
final class BenchInceptionCommand implements Runnable {
    private static final int SIZE = 256;

    @Option(names = "--batch", defaultValue = "64", description = "images per call, ADM's batch (default: ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    TimedRunsOptions timing;

    @Mixin
    TorchBaselineOptions baseline;

    @Override
    public void run() {
        if (batch <= 0) throw new IllegalArgumentException("--batch must be positive, got " + batch);
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        Optional<TorchBaseline> torch = baseline.find("tools/bench/torch_inception.py");
        System.out.printf("lit bench-inception: FID Inception-v3 (random weights), batch %d, %dx%d uint8 -> 299, float32, %d threads, backend %s%n",
                batch, SIZE, SIZE, threads, Nd4j.getBackend().getClass().getSimpleName());
        System.out.println(torch.map(t -> "baseline: " + t.describe()).orElse("baseline: PyTorch not available (needs python3 with torch and tools/bench/torch_inception.py); Java only"));

        InceptionV3 net = InceptionV3.fromStateDict(randomWeights(0), "random weights").withBatchSize(batch);
        INDArray images = images(batch);
        double[] java = timing.median(() -> net.features(images));

        double[] pytorch = null;
        if (torch.isPresent()) {
            try {
                JsonNode j = torch.get().run(threads, "--batch", "" + batch, "--size", "" + SIZE, "--runs", "" + timing.runs, "--warmup", "" + timing.warmup);
                pytorch = new double[] {j.get("seconds").asDouble(), j.get("cpu_seconds").asDouble()};
                System.out.println("PyTorch " + j.get("torch").asText() + ", " + j.get("threads").asInt() + " threads");
            } catch (Exception e) {
                System.out.println("PyTorch baseline failed: " + e.getMessage());
            }
        }
        System.out.printf("%n%12s %12s %8s %12s %12s %10s%n", "java img/s", "torch img/s", "ratio", "java s/call", "torch s/call", "cpu ratio");
        System.out.printf("%12.2f %12s %8s %12.3f %12s %10s%n", batch / java[0], pytorch == null ? "-" : String.format("%.2f", batch / pytorch[0]),
                pytorch == null ? "-" : String.format("%.2f", java[0] / pytorch[0]), java[0], pytorch == null ? "-" : String.format("%.3f", pytorch[0]),
                pytorch == null ? "-" : String.format("%.2f", java[1] / pytorch[1]));
        System.out.printf("%nmedian of %d calls after %d warm-up; ratio = Java time / PyTorch time (<= 1.0: Java is as fast or faster);%n"
                + "cpu ratio = the same for process CPU seconds (all threads), less sensitive to other load on a shared machine%n", timing.runs, timing.warmup);
    }

    /** torch_inception.py's images: pixel (n, y, x, c) = (31 n + 7 y + 3 x + 101 c) mod 256, uint8 NHWC. */
    static INDArray images(int n) {
        byte[] pixels = new byte[n * SIZE * SIZE * 3];
        int i = 0;
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    for (int c = 0; c < 3; c++) pixels[i++] = (byte) ((31 * b + 7 * y + 3 * x + 101 * c) % 256);
                }
            }
        }
        return Nd4j.create(Nd4j.createBuffer(ByteBuffer.wrap(pixels), DataType.UINT8, pixels.length), n, SIZE, SIZE, 3);
    }

    /**
     * PyTorch's default initialisation, as torch_inception.py gets it: conv and fc weights uniform in
     * +-1/sqrt(fan_in), fc bias likewise; BatchNorm weight 1, bias 0, running mean 0, running variance 1.
     */
    static Map<String, INDArray> randomWeights(long seed) {
        Nd4j.getRandom().setSeed(seed);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : InceptionV3.stateDictShapes().entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            INDArray t;
            if (name.endsWith(".bn.weight") || name.endsWith(".bn.running_var")) t = Nd4j.ones(DataType.FLOAT, shape);
            else if (name.contains(".bn.")) t = Nd4j.zeros(DataType.FLOAT, shape);
            else t = Nd4j.rand(DataType.FLOAT, shape).muli(2).subi(1).muli(1.0 / Math.sqrt(name.equals("fc.bias") ? 2048 : fanIn(shape)));
            out.put(name, t);
        }
        return out;
    }

    private static long fanIn(long[] shape) {
        long f = 1;
        for (int i = 1; i < shape.length; i++) f *= shape[i];
        return f;
    }
}
