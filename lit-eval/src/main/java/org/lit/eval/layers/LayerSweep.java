package org.lit.eval.layers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.SparkConf;
import org.lit.core.Durations;
import org.lit.core.config.ModelConfig;
import org.lit.core.image.SampleGrid;
import org.lit.core.nn.BlockSchedule;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.core.vae.AutoencoderKL;
import org.lit.data.VaeFiles;
import org.lit.eval.fid.FidEvaluation;
import org.lit.eval.metrics.AdmMetrics;
import org.lit.eval.metrics.AdmScores;
import org.lit.eval.sample.ModelWeights;
import org.lit.eval.sample.SampleJob;
import org.lit.eval.sample.SampleOptions;
import org.lit.eval.sample.Sampling;
import org.lit.eval.sample.SamplingModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `lit layers sweep`: the same noise and labels sampled under each layer strategy. Writes
 * {@code <strategy>.png} (one row of the labels' samples) per strategy, {@code sweep.png} (the rows
 * side by side, labelled) and {@code sweep.json}; with a reference batch, FID-N per strategy from a
 * sample set of N under it ({@code fid/<strategy>.npz}, `lit sample --num` with --layers; a re-run
 * keeps finished parts and features) and {@code fid.png}, the bars.
 */
public final class LayerSweep {
    public static final String GRID = "sweep.png";
    public static final String JSON = "sweep.json";
    public static final String BARS = "fid.png";
    private static final Logger LOG = LoggerFactory.getLogger(LayerSweep.class);

    /**
     * The model and its weights (file or checkpoint folder, any Hadoop URI), the VAE (null for pixels),
     * the strategies (network first, SweepStrategies), the labels of the rows, how to sample, the
     * folder; for FID (ref null: none) the reference, the Inception weights, N, the sampling batch and
     * the Inception batch and part size.
     */
    public record Options(String weights, ModelConfig model, String vae, List<String> strategies, int[] labels, Sampling sampling, String out,
                          String ref, String inception, long num, int sampleBatch, int featureBatch, int featurePartSize) {
        public Options {
            for (String s : strategies) schedule(s, model);               // a bad strategy fails before any sampling
            if (labels.length == 0) throw new IllegalArgumentException("--labels: give at least one class");
            if (model.inChannels() != 3 && vae == null) {
                throw new IllegalArgumentException(model.name() + " samples latents (" + model.inChannels() + " channels): give --vae FILE to decode them");
            }
            if (ref != null && inception == null) throw new IllegalArgumentException("--ref needs --inception FILE: the samples' features are computed");
            if (ref != null && num < 1) throw new IllegalArgumentException("--num must be at least 1, got " + num);
        }
    }

    private LayerSweep() {
    }

    /** FID scores by strategy, empty without a reference. */
    public static Map<String, AdmScores> run(SparkConf spark, Options o) throws IOException {
        OutputFolder dir = new OutputFolder(o.out());
        DiffusionTransformer model = ModelWeights.load(o.model(), o.weights());
        SamplingModels models = new SamplingModels(model, o.vae() == null ? null : AutoencoderKL.load(VaeFiles.local(o.vae())));
        Map<String, BufferedImage> rows = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (String s : o.strategies()) {
            model.setSchedule(schedule(s, o.model()));
            BufferedImage row = SampleGrid.image(models.images(o.sampling().ofLabels(model, o.labels())), o.labels().length);
            dir.write(SweepStrategies.fileName(s) + ".png", out -> ImageIO.write(row, "png", out));
            rows.put(s, row);
            double perStrategy = (System.nanoTime() - start) / 1e9 / rows.size();
            LOG.info(String.format("sweep: %s sampled (%d/%d strategies, %s, %.1f s each, ETA %s)", s, rows.size(), o.strategies().size(),
                    o.sampling().describe(), perStrategy, Durations.format(perStrategy * (o.strategies().size() - rows.size()))));
        }
        Map<String, AdmScores> scores = new LinkedHashMap<>();
        if (o.ref() != null) {
            for (String s : o.strategies()) {
                scores.put(s, fid(spark, o, dir, s));
                LOG.info(String.format("sweep: FID-%d of %s: %.4f (%d/%d strategies)", o.num(), s, scores.get(s).fid(), scores.size(), o.strategies().size()));
            }
        }
        List<SweepGrid.Row> labelled = new ArrayList<>();
        rows.forEach((s, row) -> labelled.add(new SweepGrid.Row(scores.containsKey(s) ? String.format("%s  FID %.2f", s, scores.get(s).fid()) : s, row)));
        dir.write(GRID, out -> ImageIO.write(SweepGrid.image(labelled), "png", out));
        dir.write(JSON, out -> new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out, json(o, scores)));
        if (!scores.isEmpty()) {
            List<Double> fid = o.strategies().stream().map(s -> scores.get(s).fid()).toList();
            dir.write(BARS, out -> FidBars.write(o.strategies(), fid, "FID-" + o.num() + " by layer strategy, " + o.model().name(), out));
        }
        return scores;
    }

    /** FID-N of the strategy's sample set against the reference. */
    private static AdmScores fid(SparkConf spark, Options o, OutputFolder dir, String strategy) {
        Sampling s = o.sampling();
        String npz = dir.uri("fid/" + SweepStrategies.fileName(strategy) + ".npz");
        SampleJob.run(spark, new SampleOptions(o.weights(), o.model(), o.vae(), o.num(), s.ddpm(), s.steps(), s.cfgScale(), s.clipDenoised(), s.seed(),
                o.sampleBatch(), SampleOptions.defaultPartSize(o.num(), o.sampleBatch()), npz, -1, strategy.equals(SweepStrategies.NETWORK) ? null : strategy));
        return FidEvaluation.run(spark, new FidEvaluation.Options(npz, o.ref(), o.inception(), AdmMetrics.DEFAULT_SPLIT_SIZE, AdmMetrics.DEFAULT_PR_BATCH,
                o.featureBatch(), o.featurePartSize()));
    }

    private static BlockSchedule schedule(String strategy, ModelConfig model) {
        return strategy.equals(SweepStrategies.NETWORK) ? BlockSchedule.all(model.depth()) : BlockSchedule.parse(strategy, model.depth());
    }

    private static ObjectNode json(Options o, Map<String, AdmScores> scores) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode n = m.createObjectNode();
        n.put("model", o.model().name());
        n.put("weights", o.weights());
        n.putPOJO("labels", o.labels());
        n.put("sampler", o.sampling().describe());
        n.put("seed", o.sampling().seed());
        if (o.ref() != null) {
            n.put("ref", o.ref());
            n.put("num", o.num());
        }
        ArrayNode list = n.putArray("strategies");
        for (String s : o.strategies()) {
            ObjectNode e = list.addObject();
            e.put("strategy", s);
            e.put("png", SweepStrategies.fileName(s) + ".png");
            AdmScores a = scores.get(s);
            if (a == null) continue;
            e.put("fid", a.fid());
            e.put("sfid", a.sfid());
            e.put("inception_score", a.inceptionScore());
            e.put("samples", "fid/" + SweepStrategies.fileName(s) + ".npz");
        }
        return n;
    }
}
