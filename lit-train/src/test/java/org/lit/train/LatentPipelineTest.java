package org.lit.train;

import org.lit.core.image.SampleGrid;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.core.config.Configs;
import org.lit.core.config.ModelConfigs;
import org.apache.logging.log4j.Level;
import org.lit.data.CapturedLog;
import org.lit.data.ImageFixtures;
import org.lit.data.ImageNetFolder;
import org.lit.data.MiniHdfs;
import org.lit.data.encode.EncodeJob;
import org.lit.data.encode.EncodeOptions;
import org.lit.data.latents.LatentDType;
import org.lit.data.latents.LatentShards;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The latent path end to end on a real HDFS: real photos (PNG, JPEG, progressive, grey, CMYK) and
 * a corrupt file encoded by a tiny VAE under Spark local[2] into shards; the job killed partway
 * and run again (no shard written twice, none missing, the bad file reported); then a LiT trained
 * from the shards, W=2 against W=1, with its sample grid decoded by the VAE that index.json names.
 */
class LatentPipelineTest {
    /** Class folders of real images, one of them corrupt. */
    private static final Map<String, List<String>> IMAGES = Map.of(
            "n01440764", List.of("astronaut-301x203.png", "camera-gray-123x89.png", "rocket-cmyk.jpg", "random-bytes.JPEG", "chelsea-97x131.png"),
            "n01443537", List.of("coffee-40x28.png", "rocket-baseline.jpg", "rocket-progressive.JPEG", "noise-67x45.png", "rocket-gray.jpg"));
    private static final int RESOLUTION = 32;                  // a 4 x 4 x 4 latent through the tiny VAE's factor 8
    @TempDir
    static java.nio.file.Path base;
    @TempDir
    java.nio.file.Path dir;
    static MiniHdfs hdfs;
    static String vae;

    @BeforeAll
    static void startHdfs() throws Exception {
        hdfs = new MiniHdfs(base.resolve("hdfs"));
        for (var c : IMAGES.entrySet()) {
            for (String f : c.getValue()) hdfs.put("/imagenet/train/" + c.getKey() + "/" + f, ImageFixtures.bytes(f));
        }
        for (String f : new String[] {"config.json", "diffusion_pytorch_model.safetensors"}) {
            vae = hdfs.put("/vae/" + f, Files.readAllBytes(Fixtures.file("vae/" + f)));
        }
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) hdfs.close();
    }

    private static EncodeOptions encode(String out, int killShard) {
        // 2 images (and their flips) per shard: 2 * (2 * 2 * 4*4*4 * 2 bytes + 8) bytes.
        double shardMb = 2 * (2 * 2 * 64 * 2 + 8) / (double) (1 << 20);
        return new EncodeOptions(hdfs.uri("/imagenet/train"), vae, RESOLUTION, hdfs.uri(out), shardMb, LatentDType.FLOAT16, 2, killShard);
    }

    private static SparkConf local2() {
        return new SparkConf().setMaster("local[2]").set("spark.ui.enabled", "false");
    }

    /** Modification time and length of every complete shard, by name. */
    private static Map<String, String> completeShards(FileSystem fs, Path out) throws Exception {
        Map<String, String> shards = new TreeMap<>();
        for (FileStatus s : fs.listStatus(out)) {
            String name = s.getPath().getName();
            if (name.endsWith(".safetensors") && fs.exists(new Path(out, name + ".complete"))) shards.put(name, s.getModificationTime() + ":" + s.getLen());
        }
        return shards;
    }

    @Test
    void encodeKilledAndResumedThenTrainedOnTwoWorkersAsOnOne() throws Exception {
        String out = "/latents/tiny32";
        FileSystem fs = hdfs.fs();
        Path outPath = new Path(out);

        // A task dies before writing shard 3: the job fails with some shards complete and no index.
        assertThrows(Exception.class, () -> EncodeJob.run(local2(), encode(out, 3)));
        assertFalse(fs.exists(new Path(outPath, "index.json")), "no index.json before the set is whole");
        Map<String, String> before = completeShards(fs, outPath);
        assertTrue(!before.isEmpty() && before.size() < 5 && !before.containsKey("shard-00003.safetensors"), "complete after the kill: " + before.keySet());

        hdfs.put(out + "/.shard-00003.safetensors.4d1c.tmp", new byte[100]);    // what a task killed mid-write leaves
        EncodeJob.Report r;
        try (CapturedLog progress = new CapturedLog("org.lit.data.JobProgress", Level.INFO)) {
            r = EncodeJob.run(local2(), encode(out, -1));
            // The driver's line counts the images of shards found complete too: all 10 listed files.
            assertTrue(progress.messages().stream().anyMatch(m -> m.matches("encode: 10/10 images \\(100\\.0%\\)  [0-9.]+ images/s  ETA 0m00s")),
                    progress.messages().toString());
        }
        assertEquals(5, r.shards());
        // Tasks of the failed job that were past their last stop check may still have completed a shard.
        assertTrue(r.encoded() >= 1 && r.encoded() <= 5 - before.size(), "shards complete before the re-run are not encoded again: " + r.encoded());
        assertEquals(9, r.images());
        assertEquals(1, r.skipped().size());
        assertTrue(r.skipped().get(0).path().endsWith("random-bytes.JPEG"), r.skipped().toString());
        assertTrue(java.util.Arrays.stream(fs.listStatus(outPath)).noneMatch(f -> f.getPath().getName().endsWith(".tmp")), "no temporary files left");
        Map<String, String> after = completeShards(fs, outPath);
        assertEquals(5, after.size());
        for (var e : before.entrySet()) assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was written again");

        // Every readable listed image exactly once, in the listing's order, with its label.
        List<String> expected = new ArrayList<>();
        for (ImageNetFolder.Entry e : ImageNetFolder.list(hdfs.uri("/imagenet/train")).entries()) {
            if (!e.path().endsWith("random-bytes.JPEG")) expected.add(e.path());
        }
        try (LatentShards shards = LatentShards.open(hdfs.uri(out))) {
            assertEquals(9, shards.size());
            List<String> files = new ArrayList<>();
            for (int i = 0; i < shards.size(); i++) files.add(shards.sourceFile(i));
            assertEquals(expected, files);
            assertEquals(9, new HashSet<>(files).size());
            assertEquals(List.of(4, 4, 4), shards.latentShape());
            assertEquals(List.of(4L, 5L), shards.index().countPerClass());
        }
        JsonNode index = new ObjectMapper().readTree(fs.open(new Path(outPath, "index.json")));
        assertEquals("lit-latents/1", index.get("format").asText());
        assertEquals(vae, index.get("vae").get("file").asText());

        // A second run over the complete set encodes nothing.
        assertEquals(0, EncodeJob.run(local2(), encode(out, -1)).encoded());

        // A model that does not take the shards' latents is refused, naming the values to set.
        Config wrong = latentRun(out, "model.in-channels=3");
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.validate(wrong, ModelConfigs.fromConfig(wrong)));
        assertTrue(e.getMessage().contains("[4, 4, 4]") && e.getMessage().contains("model.in-channels"), e.getMessage());

        java.nio.file.Path one = dir.resolve("one"), two = dir.resolve("two");
        Config single = latentRun(out, "train.steps=3");
        new Trainer(single, ModelConfigs.fromConfig(single), one.toString()).run();
        SparkTraining.run(local2(), latentRun(out, "train.steps=3", "train.workers=2", "train.micro-batch=2"), two.toString());
        for (String f : new String[] {"model.safetensors", "ema.safetensors", "optimizer.safetensors"}) {
            Map<String, INDArray> a = TinyRun.tensors(one, 3, f), b = TinyRun.tensors(two, 3, f);
            double worst = 0;
            for (String k : a.keySet()) worst = Math.max(worst, a.get(k).sub(b.get(k)).amaxNumber().doubleValue());
            assertTrue(worst < 1e-5, f + ": W=2 differs from W=1 by " + worst);
        }
        JsonNode last = new ObjectMapper().readTree(Files.readAllLines(two.resolve("metrics.jsonl")).get(2));
        assertTrue(last.get("data_seconds").asDouble() >= 0 && Double.isFinite(last.get("loss").asDouble()), last.toString());
        sampleDecodesWithTheVae(two);
        // The grid is decoded by the VAE index.json names: 2 rows (classes) of 8 RGB tiles.
        java.awt.image.BufferedImage grid = javax.imageio.ImageIO.read(two.resolve("samples/step-00000003.png").toFile());
        assertEquals(2 + 8 * (64 + 2), grid.getWidth());
        assertEquals(2 + 2 * (64 + 2), grid.getHeight());
    }

    /** lit sample --vae: the latents it samples (--raw), decoded by the VAE and quantised, are its ADM batch. */
    private static void sampleDecodesWithTheVae(java.nio.file.Path run) throws Exception {
        String[] common = {"sample", "-c", run.resolve("config.conf").toString(), "--weights", run.resolve("checkpoints/step-00000003").toString(),
                "--labels", "0,1,1", "--sampler", "ddim", "--steps", "2", "--seed", "5"};
        java.nio.file.Path raw = run.resolve("raw.npz"), images = run.resolve("images.npz");
        assertEquals(0, org.lit.cli.Lit.execute(TinyRun.concat(common, "--raw", "--out", raw.toString())));
        assertEquals(0, org.lit.cli.Lit.execute(TinyRun.concat(common, "--vae", vae, "--out", images.toString())));
        INDArray latents = org.lit.core.io.TensorFiles.read(raw).get("samples");
        assertArrayEquals(new long[] {3, 4, 4, 4}, latents.shape());
        Fixtures.file("vae/config.json");                              // beside the weights: the tiny architecture
        INDArray decoded = org.lit.core.vae.AutoencoderKL.load(Fixtures.file("vae/diffusion_pytorch_model.safetensors")).decode(latents);
        INDArray arr = org.lit.core.io.TensorFiles.read(images).get("arr_0");
        assertArrayEquals(new long[] {3, 32, 32, 3}, arr.shape());
        float[] d = decoded.permute(0, 2, 3, 1).dup('c').data().asFloat();
        int[] q = arr.castTo(org.nd4j.linalg.api.buffer.DataType.INT).dup('c').data().asInt();
        for (int i = 0; i < q.length; i++) assertEquals(SampleGrid.quantize(d[i]), q[i], "arr_0 element " + i);
        // A latent model without --vae (or --raw) is refused.
        assertEquals(2, org.lit.cli.Lit.execute(TinyRun.concat(common, "--out", run.resolve("x.npz").toString())));
    }

    /** Without a readable VAE a latent run trains on and skips its grids, with one warning. */
    @Test
    void aLatentRunWithoutAVaeSkipsItsGridWithOneWarning() throws Exception {
        String out = "/latents/novae";
        EncodeJob.run(local2(), encode(out, -1));
        java.nio.file.Path run = dir.resolve("novae");
        Config c = latentRun(out, "train.steps=2", "train.checkpoint-every=2", "data.vae=\"" + hdfs.uri("/vae/missing.safetensors") + "\"");
        try (CapturedLog warnings = new CapturedLog("org.lit.train.data.LatentShardData", Level.WARN)) {
            assertEquals(2, new Trainer(c, ModelConfigs.fromConfig(c), run.toString()).run().steps());
            assertEquals(1, warnings.messages().size(), warnings.messages().toString());
            assertTrue(warnings.messages().get(0).contains("missing.safetensors") && warnings.messages().get(0).contains("data.vae"), warnings.messages().toString());
        }
        assertFalse(Files.exists(run.resolve("samples")), "no grid without a VAE");
    }

    private static Config latentRun(String out, String... extra) {
        List<String> sets = new ArrayList<>(List.of("model.name=LiT-S/2", "model.input-size=4", "model.in-channels=4", "model.hidden-size=64",
                "model.depth=2", "model.num-classes=2", "data.latents=\"" + hdfs.uri(out) + "\"", "train.global-batch=4", "train.micro-batch=4",
                "train.lr=1e-3", "train.log-every=1", "train.checkpoint-every=3", "train.sample-steps=2"));
        sets.addAll(List.of(extra));
        return Configs.load(null, sets);
    }
}
