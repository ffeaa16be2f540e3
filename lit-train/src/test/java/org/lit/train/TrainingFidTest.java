package org.lit.train;

import com.typesafe.config.Config;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.config.ConfigError;
import org.lit.core.config.ModelConfig;
import org.lit.core.config.ModelConfigs;
import org.lit.core.image.SampleGrid;
import org.lit.core.io.DTypes;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.data.ImageFolder;
import org.lit.data.SyntheticShapes;
import org.lit.eval.EvalFixtures;
import org.lit.eval.features.FeatureJob;
import org.lit.eval.inception.Features;
import org.lit.eval.inception.InceptionV3;
import org.lit.eval.metrics.FeatureStatistics;
import org.lit.eval.metrics.FrechetDistance;
import org.lit.eval.metrics.Gaussian;
import org.lit.eval.metrics.InceptionScore;
import org.lit.eval.sample.Sampling;
import org.lit.train.eval.FidPlot;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FID during training (train.eval) on the tiny pixel-space LiT and the synthetic shapes, with the
 * real-size FID Inception of patterned weights and a reference of 8 training images' statistics:
 * the scores under one worker and under Spark local[2], against ADM's route on the same samples.
 */
class TrainingFidTest {
    @TempDir
    static Path dir;
    private static Path data;
    private static String inception;
    private static Path reference;
    private static InceptionV3 network;

    @BeforeAll
    static void setUp() throws Exception {
        data = dir.resolve("data");
        SyntheticShapes.write(data, 10, 32, 0);
        inception = EvalFixtures.inceptionPth().toString();
        network = FeatureJob.network(inception).withBatchSize(3);
        reference = dir.resolve("ref.npz");
        ImageFolder train = new ImageFolder(data.resolve("train"), 32);
        float[] pixels = new float[8 * 3 * 32 * 32];
        for (int i = 0; i < 8; i++) System.arraycopy(train.image(i * 5, false), 0, pixels, i * 3 * 32 * 32, 3 * 32 * 32);
        Features f = network.features(uint8(Nd4j.create(pixels, new long[] {8, 3, 32, 32}, 'c')));
        Gaussian pool = new FeatureStatistics(Features.POOL3).add(f.pool3()).gaussian(), spatial = new FeatureStatistics(Features.SPATIAL).add(f.spatial()).gaussian();
        Map<String, INDArray> stats = new LinkedHashMap<>();
        stats.put("mu", Nd4j.createFromArray(pool.mean()));
        stats.put("sigma", Nd4j.createFromArray(pool.covariance()).reshape(Features.POOL3, Features.POOL3));
        stats.put("mu_s", Nd4j.createFromArray(spatial.mean()));
        stats.put("sigma_s", Nd4j.createFromArray(spatial.covariance()).reshape(Features.SPATIAL, Features.SPATIAL));
        TensorFiles.write(reference, stats);
    }

    /** Images (n, 3, H, W) in [-1, 1] quantised as sample_ddp.py, as Inception takes them. */
    private static INDArray uint8(INDArray images) {
        return DTypes.decode(ByteBuffer.wrap(SampleGrid.toUint8Nhwc(images)), DataType.UBYTE, new long[] {images.size(0), images.size(2), images.size(3), 3});
    }

    /** 4 steps of 8 samples in micro-batches of 4; FID-6 of DDPM-2 samples guided at 1.5, in batches of 3, after steps 2 and 4. */
    private static Config config(String... extra) {
        List<String> sets = new ArrayList<>(List.of("train.steps=4", "train.micro-batch=4", "train.checkpoint-every=4", "train.eval.every=2",
                "train.eval.num=6", "train.eval.batch=3", "train.eval.steps=2", "train.eval.cfg-scale=1.5",
                "train.eval.ref=\"" + reference + "\"", "train.eval.inception=\"" + inception + "\""));
        sets.addAll(List.of(extra));
        return TinyRun.config(data, sets.toArray(String[]::new));
    }

    /** step -> {fid, sfid, is} from metrics.jsonl's evaluation lines. */
    private static Map<Long, double[]> scores(Path run) throws Exception {
        Map<Long, double[]> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode n = new ObjectMapper().readTree(line);
            if (n.has("fid")) out.put(n.get("step").asLong(), new double[] {n.get("fid").asDouble(), n.get("sfid").asDouble(), n.get("is").asDouble()});
        }
        return out;
    }

    /**
     * The same scores from the step-4 EMA checkpoint by ADM's route: the same six samples, their
     * features, FeatureStatistics' centred statistics, FrechetDistance, InceptionScore.
     */
    private static double[] direct(Path run, ModelConfig model) {
        DiffusionTransformer ema = new DiffusionTransformer(model, DataType.FLOAT);
        ema.parameters().load(TinyRun.tensors(run, 4, "ema.safetensors"), "ema");
        Sampling sampling = new Sampling(true, 2, 1.5, true, 0);
        INDArray samples = Nd4j.concat(0, sampling.draw(ema, 0, 3), sampling.draw(ema, 3, 3));
        Features f = network.features(uint8(samples));
        Gaussian pool = new FeatureStatistics(Features.POOL3).add(f.pool3()).gaussian(), spatial = new FeatureStatistics(Features.SPATIAL).add(f.spatial()).gaussian();
        var ref = org.lit.eval.metrics.ReferenceBatch.readStatistics(reference.toString(), () -> null);
        CompletableFuture<Double> sfid = CompletableFuture.supplyAsync(() -> FrechetDistance.between(spatial, ref.spatial()));
        return new double[] {FrechetDistance.between(pool, ref.pool()), sfid.join(), InceptionScore.of(f.logits(), 5000)};
    }

    @Test
    void fidOfTheEmaWeightsIsLoggedAndPlottedTheSameUnderOneAndTwoWorkersAndAsAdmsRoute() throws Exception {
        Path one = dir.resolve("one"), two = dir.resolve("two");
        Config c = config();
        Trainer.validate(c, ModelConfigs.fromConfig(c));
        long t0 = System.nanoTime();
        new Trainer(c, ModelConfigs.fromConfig(c), one.toString()).run();
        long t1 = System.nanoTime();
        SparkTraining.run(new SparkConf().setMaster("local[2]").set("spark.ui.enabled", "false"), config("train.workers=2"), two.toString());
        long t2 = System.nanoTime();
        double[] adm = direct(one, ModelConfigs.fromConfig(c));
        System.out.printf("1 worker %.1f s, 2 workers %.1f s, ADM's route %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);

        Map<Long, double[]> alone = scores(one), pair = scores(two);
        assertEquals(List.of(2L, 4L), List.copyOf(alone.keySet()));
        assertEquals(List.of(2L, 4L), List.copyOf(pair.keySet()));
        assertEquals(6, Files.readAllLines(one.resolve("metrics.jsonl")).size(), "4 training lines and 2 evaluation lines");
        String[] names = {"FID", "sFID", "IS"};
        for (long step : alone.keySet()) {
            for (int k = 0; k < 3; k++) {
                double a = alone.get(step)[k], b = pair.get(step)[k];
                System.out.printf("step %d %s: 1 worker %.12f, 2 workers %.12f (%.1e relative)%n", step, names[k], a, b, Math.abs(a / b - 1));
                assertTrue(Double.isFinite(a) && a > 0, names[k] + " " + a);
                assertEquals(1, a / b, 1e-9, names[k] + " at step " + step + ": 1 worker " + a + ", 2 workers " + b);
            }
        }
        for (int k = 0; k < 3; k++) {
            double a = alone.get(4L)[k];
            System.out.printf("step 4 %s: ADM's route %.12f (%.1e relative)%n", names[k], adm[k], Math.abs(a / adm[k] - 1));
            assertEquals(1, a / adm[k], 1e-6, names[k] + ": during training " + a + ", ADM's route " + adm[k]);
        }
        assertTrue(alone.get(4L)[2] >= 1 && alone.get(4L)[2] <= 1008, "IS lies in [1, classes]");
        assertFalse(alone.get(2L)[0] == alone.get(4L)[0], "the weights moved between the evaluations");
        for (Path run : new Path[] {one, two}) {
            BufferedImage png = ImageIO.read(run.resolve("fid.png").toFile());
            assertEquals(FidPlot.WIDTH, png.getWidth());
            assertEquals(FidPlot.HEIGHT, png.getHeight());
        }
    }

    /** EMA weights that sample NaN log no scores (NaN would quantise to black images and be scored), and the run goes on. */
    @Test
    void nanSamplesLogNoScores() throws Exception {
        Config c = config("train.on-nan=skip");
        ModelConfig model = ModelConfigs.fromConfig(c);
        DiffusionTransformer init = new DiffusionTransformer(model, DataType.FLOAT);
        init.parameters().initialize(0);
        Map<String, INDArray> weights = init.parameters().toMap();
        weights.get("x_embedder.proj.bias").putScalar(0, Float.NaN);      // every token, so every output channel
        Path nan = dir.resolve("nan.safetensors");
        org.lit.core.io.TensorFiles.write(nan, weights);
        Path run = dir.resolve("nan-run");
        new Trainer(config("train.on-nan=skip", "train.init=\"" + nan + "\""), model, run.toString()).run();
        assertTrue(scores(run).isEmpty(), "no evaluation line from NaN samples: " + Files.readAllLines(run.resolve("metrics.jsonl")));
        assertFalse(Files.exists(run.resolve("fid.png")));
    }

    @Test
    void aBadEvaluationConfigFailsBeforeTrainingNamingTheKey() throws Exception {
        ConfigError typo = assertThrows(ConfigError.class, () -> config("train.eval.evry=2"));
        assertEquals("train.eval.evry", typo.key());
        assertTrue(typo.getMessage().contains("every") && typo.getMessage().contains("inception"), typo.getMessage());
        assertEquals("train.eval.sampler", assertThrows(ConfigError.class, () -> validate(config("train.eval.sampler=euler"))).key());

        ConfigError noRef = assertThrows(ConfigError.class, () -> validate(config("train.eval.ref=\"\"")));
        assertEquals("train.eval.ref", noRef.key());
        assertTrue(noRef.getMessage().contains("mu, sigma, mu_s, sigma_s"), noRef.getMessage());

        Path imagesOnly = dir.resolve("images-only.npz");
        TensorFiles.write(imagesOnly, Map.of("arr_0", Nd4j.zeros(DataType.UBYTE, 2, 32, 32, 3)));
        ConfigError noStats = assertThrows(ConfigError.class, () -> validate(config("train.eval.ref=\"" + imagesOnly + "\"")));
        assertEquals("train.eval.ref", noStats.key());
        assertTrue(noStats.getMessage().contains("carries no statistics (mu, sigma, mu_s, sigma_s)") && noStats.getMessage().contains("lit fid-ref"),
                noStats.getMessage());

        String missing = dir.resolve("no-such-inception.pth").toString();
        Config noInception = config("train.eval.inception=\"" + missing + "\"");
        ConfigError driver = assertThrows(ConfigError.class, () -> validate(noInception));
        assertEquals("train.eval.inception", driver.key());
        assertTrue(driver.getMessage().contains(missing), driver.getMessage());
        Path run = dir.resolve("never");
        ConfigError worker = assertThrows(ConfigError.class, () -> new Trainer(noInception, ModelConfigs.fromConfig(noInception), run.toString()).run());
        assertEquals("train.eval.inception", worker.key());
        assertFalse(Files.exists(run.resolve("metrics.jsonl")), "nothing trained");

        assertFalse(Trainer.trajectoryKeys(config()).keySet().stream().anyMatch(k -> k.startsWith("train.eval.")),
                "evaluation keys may change when a run resumes");
    }

    private static void validate(Config c) {
        Trainer.validate(c, ModelConfigs.fromConfig(c));
    }
}
