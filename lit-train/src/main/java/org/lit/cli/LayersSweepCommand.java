package org.lit.cli;

import org.lit.core.config.ModelConfig;
import org.lit.core.nn.ModelInputs;
import org.lit.eval.layers.BlockGroups;
import org.lit.eval.layers.LayerSimilarity;
import org.lit.eval.layers.LayerSweep;
import org.lit.eval.layers.OutputFolder;
import org.lit.eval.layers.SimilarityReport;
import org.lit.eval.layers.SweepStrategies;
import org.lit.eval.metrics.AdmScores;
import org.lit.eval.sample.ModelWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** lit layers sweep: the same noise and labels under each layer strategy, side by side, and FID-N per strategy. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Sample the same noise and labels under each layer strategy: a PNG per strategy, sweep.png side by side, sweep.json; with --ref, FID-N per strategy and fid.png.")
final class LayersSweepCommand implements Runnable {
    /** Drawn inputs of the similarity that groups the blocks when --all-ranges has no --groups. */
    private static final int GROUPING_INPUTS = 32;

    @Mixin
    ModelOptions options;

    @Option(names = "--weights", required = true, description = "weights file, or a checkpoint folder (its ema.safetensors), any Hadoop URI")
    String weights;

    @Option(names = "--vae", description = "VAE weights (file or diffusers folder, any Hadoop URI): needed by a latent model")
    String vae;

    @Option(names = "--strategies", required = true, description = "layer strategies separated by ';', e.g. \"skip=4-9;repeat=4-9;loop=4-9:3\" (the network as it is always comes first)")
    String strategies;

    @Option(names = "--all-ranges", description = "each strategy's kind (skip, repeat, reverse, parallel, loop:K) over every contiguous range of the middle blocks")
    boolean allRanges;

    @Option(names = "--groups", description = "with --all-ranges: a groups.json of lit layers similarity (default: grouped here from " + GROUPING_INPUTS + " drawn inputs, written to --out)")
    String groups;

    @Option(names = "--threshold", description = "with --all-ranges and no --groups: the grouping's threshold (default: the mean off-diagonal similarity)")
    Double threshold;

    @Option(names = "--labels", required = true, split = ",", description = "classes of the samples in each row: 0,1,2,3")
    List<Integer> labels;

    @Mixin
    SamplerOptions sampler;

    @Option(names = "--ref", description = "reference batch .npz (images or lit fid-ref's): FID-N per strategy")
    String ref;

    @Option(names = "--inception", description = "Inception weights (.pth or .pb), with --ref")
    String inception;

    @Option(names = "--num", defaultValue = "1000", description = "with --ref: samples per strategy (default: ${DEFAULT-VALUE})")
    long num;

    @Option(names = "--batch", defaultValue = "32", description = "with --ref: samples a task draws at once (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--inception-batch", defaultValue = "64", description = "with --ref: images per Inception call (default: ${DEFAULT-VALUE})")
    int inceptionBatch;

    @Mixin
    SparkOptions spark;

    @Option(names = "--out", required = true, description = "folder of the sweep, any Hadoop URI")
    String out;

    @Override
    public void run() {
        ModelConfig config = options.modelConfig();
        List<String> list = allRanges ? SweepStrategies.overMiddleRanges(strategies, groups(config)) : SweepStrategies.of(strategies, config.depth());
        LayerSweep.Options o = new LayerSweep.Options(weights, config, vae, list, labels.stream().mapToInt(Integer::intValue).toArray(), sampler.sampling(),
                out, ref, inception, num, batch, inceptionBatch, 1000);
        System.out.printf("%d strategies: %s%n", list.size(), String.join(" ", list));
        Map<String, AdmScores> scores;
        try {
            scores = LayerSweep.run(spark.conf(), o);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Lit.jobFailed("sweep", e, " (run the same command again: finished sample parts and features are kept)");
        }
        scores.forEach((s, a) -> System.out.printf("%-16s FID-%d %.4f  sFID %.4f  IS %.4f%n", s, num, a.fid(), a.sfid(), a.inceptionScore()));
        System.out.printf("wrote %s/%s, %s%s%n", out, LayerSweep.GRID, LayerSweep.JSON, scores.isEmpty() ? "" : ", " + LayerSweep.BARS);
    }

    /** The middle blocks: from --groups, or from the similarity of drawn inputs, written beside the sweep. */
    private BlockGroups groups(ModelConfig config) {
        try {
            if (groups != null) {
                BlockGroups g = SimilarityReport.readGroups(groups);
                if (g.depth() != config.depth()) throw new IllegalArgumentException("--groups " + groups + " is for depth " + g.depth() + ", " + config.name() + " has " + config.depth());
                return g;
            }
            double[][] s = LayerSimilarity.of(ModelWeights.load(config, weights), ModelInputs.drawn(GROUPING_INPUTS, sampler.seed, config), 8);
            BlockGroups g = BlockGroups.suggest(s, threshold);
            SimilarityReport.write(new OutputFolder(out), s, g, config.name(), GROUPING_INPUTS);
            System.out.printf("groups: first %s, middle %s, last %s%n", java.util.Arrays.toString(g.first()), g.middleRange(), java.util.Arrays.toString(g.last()));
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the groups: " + e.getMessage(), e);
        }
    }
}
