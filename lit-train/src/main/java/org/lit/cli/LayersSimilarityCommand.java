package org.lit.cli;

import org.lit.core.config.ModelConfig;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.nn.ModelInputs;
import org.lit.eval.layers.BlockGroups;
import org.lit.eval.layers.LayerSimilarity;
import org.lit.eval.layers.OutputFolder;
import org.lit.eval.layers.SimilarityReport;
import org.lit.eval.sample.ModelWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** lit layers similarity: the cosine similarity of the blocks' hidden states, its heatmap and the first / middle / last groups. */
@Command(name = "similarity", mixinStandardHelpOptions = true,
        description = "S[i][j], the mean cosine similarity of the hidden states after blocks i and j: similarity.csv, similarity.png, groups.json.")
final class LayersSimilarityCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--weights", required = true, description = "weights file, or a checkpoint folder (its ema.safetensors), any Hadoop URI")
    String weights;

    @Option(names = "--inputs", description = ".npz with x, t, y as lit predict reads them (or --num)")
    Path inputs;

    @Option(names = "--num", defaultValue = "64", description = "without --inputs: this many draws of noise, timesteps spread over 0..999 and classes (default: ${DEFAULT-VALUE})")
    int num;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the drawn inputs (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--batch", defaultValue = "8", description = "inputs per forward (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threshold", description = "the similarity every pair of middle blocks reaches (default: the mean off-diagonal similarity)")
    Double threshold;

    @Option(names = "--out", required = true, description = "folder for similarity.csv, similarity.png and groups.json, any Hadoop URI")
    String out;

    @Override
    public void run() {
        ModelConfig checked = options.modelConfig();        // a config typo fails before any file is read
        ModelInputs in = inputs == null ? null : ModelInputs.read(inputs);
        // As lit predict: without an explicit model.input-size the inputs' side decides it.
        ModelConfig config = in == null ? checked : options.modelConfig("model.input-size=" + in.x().size(2));
        if (in == null) in = ModelInputs.drawn(num, seed, config);
        DiffusionTransformer model = ModelWeights.load(config, weights);
        long start = System.nanoTime();
        double[][] s = LayerSimilarity.of(model, in, batch);
        BlockGroups g = BlockGroups.suggest(s, threshold);
        try {
            SimilarityReport.write(new OutputFolder(out), s, g, config.name(), in.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        System.out.printf("%s, %d inputs: %.1f s%ngroups (threshold %.4f): first %s, middle %s, last %s%nwrote %s/{%s,%s,%s}%n", config.name(), in.size(),
                (System.nanoTime() - start) / 1e9, g.threshold(), java.util.Arrays.toString(g.first()), g.middleRange(), java.util.Arrays.toString(g.last()),
                out, SimilarityReport.CSV, SimilarityReport.PNG, SimilarityReport.GROUPS);
    }
}
