package org.lit.train;

import com.typesafe.config.Config;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.config.ModelConfigs;
import org.lit.data.SyntheticShapes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer on a tiny pixel-space LiT (16 tokens, hidden 64, depth 2) and the synthetic shapes. */
class TrainerTest {
    @TempDir
    static Path data;
    @TempDir
    Path dir;

    @BeforeAll
    static void makeData() {
        SyntheticShapes.write(data, 10, 32, 0);
    }

    private static Trainer.Result train(Path run, String... extra) throws Exception {
        Config c = TinyRun.config(data, extra);
        return new Trainer(c, ModelConfigs.fromConfig(c), run.toString()).run();
    }

    private static Map<String, INDArray> tensors(Path run, long step, String file) {
        return TinyRun.tensors(run, step, file);
    }

    @Test
    void lossFallsAndEverythingIsWritten() throws Exception {
        Path run = dir.resolve("run");
        train(run, "train.steps=40", "train.checkpoint-every=10", "train.keep-checkpoints=2", "train.lr=3e-3");
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(40, lines.size());
        ObjectMapper json = new ObjectMapper();
        double first = 0, last = 0;
        for (int i = 0; i < 5; i++) {
            first += json.readTree(lines.get(i)).get("loss").asDouble() / 5;
            last += json.readTree(lines.get(lines.size() - 1 - i)).get("loss").asDouble() / 5;
        }
        assertTrue(last < 0.8 * first, "loss fell from " + first + " to " + last);
        for (String k : new String[] {"step", "loss", "mse", "vb", "grad_norm", "lr", "images_per_sec", "seconds"}) {
            assertTrue(json.readTree(lines.get(0)).has(k), k);
        }
        // keep-checkpoints = 2: steps 20 and 30 remain, each with COMPLETE written
        try (var s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(List.of("step-00000030", "step-00000040"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String f : new String[] {"model.safetensors", "ema.safetensors", "optimizer.safetensors", "state.json", "COMPLETE"}) {
            assertTrue(Files.size(run.resolve("checkpoints/step-00000040").resolve(f)) > 0, f);
        }
        assertTrue(tensors(run, 40, "model.safetensors").containsKey("blocks.0.attn.dwc.weight"), "PyTorch names");
        assertTrue(Files.size(run.resolve("samples/step-00000040.png")) > 100);
        assertTrue(Files.readString(run.resolve("config.conf")).contains("global-batch"));
    }

    @Test
    void stoppedAndResumedEqualsUninterruptedBitForBit() throws Exception {
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        train(whole, "train.steps=6");
        train(split, "train.steps=3");
        train(split, "train.steps=6");
        for (String f : new String[] {"model.safetensors", "ema.safetensors", "optimizer.safetensors"}) {
            assertEquals(tensors(whole, 6, f), tensors(split, 6, f), f);
        }
        assertEquals(6, Files.readAllLines(split.resolve("metrics.jsonl")).size());
        // lines logged after the last checkpoint (a crash before the next one) are dropped on resume
        Path crashed = dir.resolve("crashed");
        train(crashed, "train.steps=5");                        // checkpoints at 3 and 5, metrics for 1..5
        java.nio.file.Files.walk(crashed.resolve("checkpoints/step-00000005")).sorted(java.util.Comparator.reverseOrder())
                .forEach(p -> p.toFile().delete());            // as if it died before writing step 5
        train(crashed, "train.steps=6");
        List<String> steps = Files.readAllLines(crashed.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll(".*\"step\":(\\d+).*", "$1")).toList();
        assertEquals(List.of("1", "2", "3", "4", "5", "6"), steps);
    }

    @Test
    void microBatchesAccumulateToTheSameStep() throws Exception {
        Path one = dir.resolve("one"), four = dir.resolve("four");
        train(one, "train.steps=3");
        train(four, "train.steps=3", "train.micro-batch=2");
        INDArray a = tensors(one, 3, "model.safetensors").get("blocks.0.mlp.fc1.weight");
        INDArray b = tensors(four, 3, "model.safetensors").get("blocks.0.mlp.fc1.weight");
        assertTrue(a.sub(b).amaxNumber().doubleValue() < 1e-5, "max difference " + a.sub(b).amaxNumber());
    }

    @Test
    void aDamagedCheckpointIsSkippedForThePreviousOne() throws Exception {
        Path run = dir.resolve("damaged");
        train(run, "train.steps=6");
        Map<String, INDArray> good = tensors(run, 6, "model.safetensors");
        Path model6 = run.resolve("checkpoints/step-00000006/model.safetensors");
        byte[] bytes = Files.readAllBytes(model6);
        Files.write(model6, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Checkpoints.Loaded latest = new Checkpoints(run.toString()).latest().orElseThrow();
        assertEquals(3, latest.step());
        // a half-written folder (no COMPLETE) is never considered
        Files.createDirectories(run.resolve("checkpoints/step-00000009"));
        Files.write(run.resolve("checkpoints/step-00000009/model.safetensors"), new byte[] {1});
        assertEquals(3, new Checkpoints(run.toString()).latest().orElseThrow().step());
        train(run, "train.steps=6");                 // redoes steps 4..6 from step 3
        assertEquals(good, tensors(run, 6, "model.safetensors"));
    }

    @Test
    void aCheckpointFromAnotherConfigIsRefusedNamingTheKeys() throws Exception {
        Path run = dir.resolve("other");
        train(run, "train.steps=3");
        Trainer.TrainingError e = assertThrows(Trainer.TrainingError.class, () -> train(run, "train.steps=6", "train.lr=2e-3", "train.seed=5"));
        assertTrue(e.getMessage().contains("train.lr") && e.getMessage().contains("train.seed"), e.getMessage());
        assertFalse(e.getMessage().contains("train.steps"), e.getMessage());
    }

    @Test
    void aNonFiniteLossStopsWithoutWritingAndNamesTheLastGoodCheckpoint() throws Exception {
        Path run = dir.resolve("nan");
        // Step 1 is computed from sane weights, then a learning rate of 1e30 destroys them.
        Trainer.TrainingError e = assertThrows(Trainer.TrainingError.class,
                () -> train(run, "train.steps=9", "train.lr=1e30", "train.checkpoint-every=1"));
        assertTrue(e.getMessage().contains("at step 2") && e.getMessage().contains("step-00000001"), e.getMessage());
        try (var s = Files.list(run.resolve("checkpoints"))) {
            assertEquals(1, s.count(), "nothing written after the last good checkpoint");
        }
    }

    /** distill.teacher-label: where the student's label is dropped the teacher sees the null class, or, if set, the true label. */
    @Test
    void theTeacherSeesTheNullClassUnlessTeacherLabelIsSet() throws Exception {
        Path teacherRun = dir.resolve("teacher");
        train(teacherRun, "model.name=DiT-S/8", "model.num-heads=4", "train.steps=6", "train.lr=3e-3");
        String teacher = "distill.teacher=\"" + teacherRun.resolve("checkpoints/step-00000006/model.safetensors") + "\"";
        String[] distill = {"train.steps=1", "model.class-dropout=0.9", teacher, "distill.teacher-model=DiT-S/8",
                "distill.teacher-overrides.hidden-size=64", "distill.teacher-overrides.depth=2", "distill.teacher-overrides.num-heads=4"};
        train(dir.resolve("null"), distill);
        train(dir.resolve("true"), TinyRun.concat(distill, "distill.teacher-label=true"));
        ObjectMapper json = new ObjectMapper();
        double kdNull = json.readTree(Files.readAllLines(dir.resolve("null/metrics.jsonl")).get(0)).get("kd_eps").asDouble();
        double kdTrue = json.readTree(Files.readAllLines(dir.resolve("true/metrics.jsonl")).get(0)).get("kd_eps").asDouble();
        assertTrue(kdNull > 0 && kdTrue > 0 && Math.abs(kdNull - kdTrue) > 1e-6 * kdNull, "kd_eps " + kdNull + " vs " + kdTrue);
    }

    /** train.min-snr-gamma reaches the loss: same draws, same first-step weights; only the mse term shrinks. */
    @Test
    void minSnrWeighsTheMseTermOnly() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path uniform = dir.resolve("uniform"), minSnr = dir.resolve("min-snr");
        train(uniform, "train.steps=1");
        // The first step draws t = 534..993, all with SNR < 0.06: gamma 0.02 weighs t = 534 and 616 (0.34, 0.9).
        train(minSnr, "train.steps=1", "train.min-snr-gamma=0.02");
        var u = json.readTree(Files.readAllLines(uniform.resolve("metrics.jsonl")).get(0));
        var m = json.readTree(Files.readAllLines(minSnr.resolve("metrics.jsonl")).get(0));
        assertEquals(u.get("vb").asDouble(), m.get("vb").asDouble(), 0.0);
        assertTrue(m.get("mse").asDouble() < 0.97 * u.get("mse").asDouble(), "weighted mse " + m.get("mse") + " against " + u.get("mse"));
    }

    /** train.sample-sampler picks the grid's sampler: the same weights draw another grid with DDPM. */
    @Test
    void theGridsSamplerIsAChoice() throws Exception {
        Path ddim = dir.resolve("ddim"), ddpm = dir.resolve("ddpm");
        train(ddim, "train.steps=1");
        train(ddpm, "train.steps=1", "train.sample-sampler=ddpm");
        byte[] a = Files.readAllBytes(ddim.resolve("samples/step-00000001.png")), b = Files.readAllBytes(ddpm.resolve("samples/step-00000001.png"));
        assertTrue(a.length > 100 && b.length > 100);
        assertFalse(java.util.Arrays.equals(a, b), "DDPM's grid differs from DDIM's");
        assertArrayEquals(Files.readAllBytes(ddim.resolve("checkpoints/step-00000001/model.safetensors")),
                Files.readAllBytes(ddpm.resolve("checkpoints/step-00000001/model.safetensors")), "the sampler changes no weight");
    }

    @Test
    void configMistakesAreClear() {
        var sampler = assertThrows(org.lit.core.config.ConfigError.class, () -> train(dir.resolve("x"), "train.sample-sampler=euler"));
        assertEquals("train.sample-sampler", sampler.key());
        var gamma = assertThrows(org.lit.core.config.ConfigError.class, () -> train(dir.resolve("x"), "train.min-snr-gamma=-1"));
        assertEquals("train.min-snr-gamma", gamma.key());
        assertThrows(org.lit.core.config.ConfigError.class, () -> train(dir.resolve("x"), "train.micro-batch=3"));
        assertThrows(org.lit.core.config.ConfigError.class, () -> train(dir.resolve("x"), "train.on-nan=ignore"));
        assertThrows(org.lit.core.config.ConfigError.class, () -> train(dir.resolve("x"), "train.stpes=3"));
        var both = assertThrows(org.lit.core.config.ConfigError.class, () -> train(dir.resolve("x"), "data.latents=somewhere"));
        assertEquals("data.latents", both.key());
        assertTrue(both.getMessage().contains("data.path") && both.getMessage().contains("somewhere"), both.getMessage());
        var none = assertThrows(org.lit.core.config.ConfigError.class, () -> train(dir.resolve("x"), "data.path=\"\""));
        assertTrue(none.getMessage().contains("data.latents"), none.getMessage());
    }
}
