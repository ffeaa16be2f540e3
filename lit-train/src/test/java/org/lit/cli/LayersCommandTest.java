package org.lit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.lit.eval.EvalFixtures;
import org.lit.eval.layers.FidBars;
import org.lit.eval.layers.SimilarityHeatmap;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `lit layers similarity` and `lit layers sweep` as README gives them, on the tiny DiT of depth 6 (make_layer_fixtures.py) and the tiny VAE. */
class LayersCommandTest {
    private static final String[] MODEL = {"--model", "DiT-S/2", "--set", "model.input-size=8", "--set", "model.hidden-size=64", "--set", "model.depth=6",
            "--set", "model.num-heads=4", "--set", "model.num-classes=10"};
    private static final String[] SAMPLER = {"--sampler", "ddim", "--steps", "3", "--seed", "4"};

    @TempDir
    Path dir;

    private static String[] args(String[]... parts) {
        List<String> all = new ArrayList<>();
        for (String[] p : parts) all.addAll(Arrays.asList(p));
        return all.toArray(String[]::new);
    }

    private static String weights() {
        return Fixtures.file("dit_deep.pt").toString();
    }

    private static String vae() {
        Fixtures.file("vae/config.json");
        return Fixtures.file("vae/diffusion_pytorch_model.safetensors").toString();
    }

    @Test
    void similarityWritesTheReferenceMatrixItsHeatmapAndGroups() throws Exception {
        Path npz = Fixtures.file("dit_deep_layers.npz");
        LitRun run = LitRun.of(args(new String[] {"layers", "similarity"}, MODEL,
                new String[] {"--weights", weights(), "--inputs", npz.toString(), "--out", dir.resolve("sim").toString()}));
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("first [0, 1], middle 2-4, last [5]"), run.out());
        INDArray expected = TensorFiles.read(npz).get("similarity");
        List<String> csv = Files.readAllLines(dir.resolve("sim/similarity.csv"));
        assertEquals("block,0,1,2,3,4,5", csv.get(0));
        for (int i = 0; i < 6; i++) {
            String[] cells = csv.get(i + 1).split(",");
            assertEquals(String.valueOf(i), cells[0]);
            for (int j = 0; j < 6; j++) assertEquals(expected.getDouble(i, j), Double.parseDouble(cells[j + 1]), 1e-4, "S[" + i + "][" + j + "]");
        }
        BufferedImage png = ImageIO.read(dir.resolve("sim/similarity.png").toFile());
        assertEquals(SimilarityHeatmap.WIDTH, png.getWidth());
        assertEquals(SimilarityHeatmap.HEIGHT, png.getHeight());
        JsonNode groups = new ObjectMapper().readTree(dir.resolve("sim/groups.json").toFile());
        assertEquals("2-4", groups.get("middle_range").asText());
        assertTrue(groups.get("rule").asText().startsWith("middle: the longest run"));

        LitRun bad = LitRun.of(args(new String[] {"layers", "similarity"}, MODEL, new String[] {"--weights", weights(), "--num", "0", "--out", dir.resolve("x").toString()}));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--num must be at least 1"), bad.err());
    }

    /**
     * A sweep's rows are `lit sample --labels --layers` bit for bit; its FID-N is `lit fid`'s on the
     * same samples, and 0 for the network itself against a reference that is the network's own set.
     */
    @Test
    void sweepSamplesEachStrategyAndScoresIt() throws Exception {
        String[] common = args(MODEL, new String[] {"--weights", weights(), "--vae", vae()}, SAMPLER);
        LitRun single = LitRun.of(args(new String[] {"sample"}, common, new String[] {"--labels", "1,2,3", "--layers", "skip=2-3", "--out", dir.resolve("one").toString()}));
        assertEquals(0, single.code(), single.err());
        LitRun ref = LitRun.of(args(new String[] {"sample"}, common, new String[] {"--num", "6", "--batch", "3", "--master", "local[2]", "--out", dir.resolve("ref.npz").toString()}));
        assertEquals(0, ref.code(), ref.err());

        String inception = EvalFixtures.inceptionPth().toString();
        Path out = dir.resolve("sweep");
        LitRun sweep = LitRun.of(args(new String[] {"layers", "sweep"}, common, new String[] {"--strategies", "skip=2-3; repeat=1-4", "--labels", "1,2,3",
                "--ref", dir.resolve("ref.npz").toString(), "--inception", inception, "--num", "6", "--batch", "3", "--master", "local[2]", "--out", out.toString()}));
        assertEquals(0, sweep.code(), sweep.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("one/grid.png")), Files.readAllBytes(out.resolve("skip_2-3.png")), "the sweep's row is lit sample's");

        JsonNode json = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
        JsonNode list = json.get("strategies");
        assertEquals(List.of("all", "skip=2-3", "repeat=1-4"), List.of(list.get(0).get("strategy").asText(), list.get(1).get("strategy").asText(), list.get(2).get("strategy").asText()));
        assertEquals(6, json.get("num").asInt());
        double fidAll = list.get(0).get("fid").asDouble(), fidSkip = list.get(1).get("fid").asDouble();
        assertTrue(Math.abs(fidAll) < 1e-3, "the network's own set against itself: FID " + fidAll);
        assertTrue(fidSkip > 1.0, "skipping two of six blocks moves the samples: FID " + fidSkip);

        LitRun fid = LitRun.of("fid", "--samples", out.resolve("fid/skip_2-3.npz").toString(), "--ref", dir.resolve("ref.npz").toString(),
                "--inception", inception, "--master", "local[2]");
        assertEquals(0, fid.code(), fid.err());
        Matcher m = Pattern.compile("FID: ([0-9.]+)").matcher(fid.out());
        assertTrue(m.find(), fid.out());
        assertEquals(Double.parseDouble(m.group(1)), fidSkip, 1e-6 * Math.max(1, fidSkip), "lit fid on the sweep's samples");

        BufferedImage row = ImageIO.read(out.resolve("all.png").toFile()), grid = ImageIO.read(out.resolve("sweep.png").toFile());
        assertEquals(3 * row.getHeight(), grid.getHeight(), "one row per strategy");
        assertTrue(grid.getWidth() > row.getWidth(), "labels to the left of the rows");
        BufferedImage bars = ImageIO.read(out.resolve("fid.png").toFile());
        assertEquals(FidBars.width(3), bars.getWidth());
        assertEquals(FidBars.HEIGHT, bars.getHeight());
    }

    @Test
    void allRangesTriesEachKindOverTheMiddleBlocks() throws Exception {
        Path groups = dir.resolve("groups.json");
        Files.writeString(groups, "{\"depth\": 6, \"first\": [0, 1], \"middle\": [2, 3, 4], \"last\": [5], \"threshold\": 0.85}");
        Path out = dir.resolve("ranges");
        LitRun run = LitRun.of(args(new String[] {"layers", "sweep"}, MODEL, new String[] {"--weights", weights(), "--vae", vae()}, SAMPLER,
                new String[] {"--strategies", "skip;loop:2", "--all-ranges", "--groups", groups.toString(), "--labels", "0,5", "--out", out.toString()}));
        assertEquals(0, run.code(), run.err());
        List<String> strategies = new ArrayList<>();
        new ObjectMapper().readTree(out.resolve("sweep.json").toFile()).get("strategies").forEach(s -> strategies.add(s.get("strategy").asText()));
        assertEquals(List.of("all", "skip=2-2", "skip=2-3", "skip=2-4", "skip=3-3", "skip=3-4", "skip=4-4", "loop=2-3:2", "loop=2-4:2", "loop=3-4:2"), strategies);
        for (String s : strategies) assertTrue(Files.size(out.resolve(s.replace('=', '_').replace(":", "_x") + ".png")) > 100, s);

        LitRun bad = LitRun.of(args(new String[] {"layers", "sweep"}, MODEL, new String[] {"--weights", weights(), "--vae", vae()}, SAMPLER,
                new String[] {"--strategies", "skip=2-7", "--labels", "0", "--out", dir.resolve("bad").toString()}));
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("lit layers sweep: error: ") && bad.err().contains("'skip=2-7'") && bad.err().contains("depth 6"), bad.err());
        assertTrue(!Files.exists(dir.resolve("bad/all.png")), "nothing sampled before the strategies are checked");
    }
}
