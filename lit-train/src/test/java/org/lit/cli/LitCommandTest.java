package org.lit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The `lit` command line as scripts call it. */
class LitCommandTest {
    @TempDir
    Path dir;

    private static final String[] TINY = {"--set", "model.hidden-size=64", "--set", "model.depth=2", "--set", "model.num-classes=10"};

    private static String[] args(String[] head, String... tail) {
        String[] all = new String[head.length + TINY.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(TINY, 0, all, head.length, TINY.length);
        System.arraycopy(tail, 0, all, head.length + TINY.length, tail.length);
        return all;
    }

    /** The stdout of a lit command that must succeed. */
    private static String stdout(String... args) {
        LitRun run = LitRun.of(args);
        assertEquals(0, run.code(), run.err());
        return run.out();
    }

    @Test
    void predictWritesPyTorchsOutputWithAndWithoutGuidance() {
        for (String kind : new String[] {"dit", "lit"}) {
            Path inputs = Fixtures.file(kind + "_tiny_io.npz");
            Map<String, INDArray> io = TensorFiles.read(inputs);
            Path out = dir.resolve(kind + "-out.npz");
            String model = kind.equals("lit") ? "LiT-S/2" : "DiT-S/2";
            String[] head = {"predict", "--model", model, "--set", "model.num-heads=4"};
            assertEquals(0, Lit.execute(args(head, "--weights", Fixtures.file(kind + "_tiny.pt").toString(),
                    "--inputs", inputs.toString(), "--out", out.toString())));
            double err = Fixtures.relativeError(TensorFiles.read(out).get("out"), io.get("out"));
            assertTrue(err < 1e-4, kind + " predict error " + err);

            // Guidance runs on the [cond; uncond] labels of the fixture.
            Path cfgInputs = dir.resolve(kind + "-cfg-in.npz");
            Map<String, INDArray> cfgIn = new java.util.LinkedHashMap<>();
            cfgIn.put("x", io.get("x"));
            cfgIn.put("t", io.get("t"));
            cfgIn.put("y", io.get("y_cfg"));
            TensorFiles.write(cfgInputs, cfgIn);
            Path cfgOut = dir.resolve(kind + "-cfg-out.npz");
            assertEquals(0, Lit.execute(args(head, "--weights", Fixtures.file(kind + "_tiny.safetensors").toString(),
                    "--inputs", cfgInputs.toString(), "--out", cfgOut.toString(), "--cfg-scale", "4.0")));
            double cfgErr = Fixtures.relativeError(TensorFiles.read(cfgOut).get("out"), io.get("out_cfg"));
            assertTrue(cfgErr < 1e-4, kind + " guided predict error " + cfgErr);
        }
    }

    @Test
    void infoPrintsPublishedSizes() {
        String text = stdout("predict", "--model", "DiT-XL/2", "--info");
        assertTrue(text.contains("675,129,632"), text);
        assertTrue(text.contains("118.62"), text);
        String all = stdout("info", "--all");
        assertEquals(1 + 24, all.strip().split("\n").length, all);
        assertTrue(all.contains("LiT-XL/2") && all.contains("675,339,296"), all);
    }

    @Test
    void sampleIsReproducibleFromGivenNoiseAndWritesRawArrays() throws Exception {
        String weights = Fixtures.file("lit_tiny.safetensors").toString();
        Map<String, INDArray> noise = new java.util.LinkedHashMap<>();
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(4);
        noise.put("noise", org.nd4j.linalg.factory.Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 4, 8, 8));
        Path noiseFile = dir.resolve("noise.npz");
        TensorFiles.write(noiseFile, noise);
        String[] head = {"sample", "--model", "LiT-S/2", "--set", "model.input-size=8"};
        for (String sampler : new String[] {"ddim", "ddpm"}) {
            Path a = dir.resolve(sampler + "-a.npz"), b = dir.resolve(sampler + "-b.npz");
            for (Path out : new Path[] {a, b}) {
                assertEquals(0, Lit.execute(args(head, "--weights", weights, "--labels", "3,7", "--noise", noiseFile.toString(),
                        "--sampler", sampler, "--steps", "5", "--cfg-scale", "2.0", "--raw", "--out", out.toString())));
            }
            INDArray samples = TensorFiles.read(a).get("samples");
            assertEquals(java.util.List.of(2L, 4L, 8L, 8L), java.util.Arrays.stream(samples.shape()).boxed().toList());
            assertEquals(samples, TensorFiles.read(b).get("samples"), sampler + " is reproducible");
            assertFalse(samples.equals(noise.get("noise")), "the sampler moved away from the noise");
        }
        // latents cannot be decoded without the VAE: a clear error, no file
        assertEquals(2, Lit.execute(args(head, "--weights", weights, "--labels", "1", "--out", dir.resolve("png").toString())));
        assertFalse(Files.exists(dir.resolve("png")));
    }

    @Test
    void plotDrawsTheLossCurves() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("metrics.jsonl"), "{\"step\":1,\"loss\":1.0,\"mse\":0.9,\"vb\":0.1}\n{\"step\":2,\"loss\":0.5,\"mse\":0.45,\"vb\":0.05}\n");
        assertEquals(0, Lit.execute("plot", run.toString()));
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(run.resolve("loss.png").toFile());
        assertEquals(900, png.getWidth());
        assertEquals(520, png.getHeight());
        assertEquals(2, Lit.execute("plot", dir.resolve("no-run").toString()));
        // No loss logged at all (a run of skipped steps, evaluation lines only): an empty plot, not a hang.
        Files.writeString(run.resolve("metrics.jsonl"), "{\"step\":2,\"fid\":3.0}\n");
        assertEquals(0, Lit.execute("plot", run.toString()));
        assertEquals(900, javax.imageio.ImageIO.read(run.resolve("loss.png").toFile()).getWidth());
    }

    /** --layers at prediction: a strategy that changes nothing is bit-equal, skipping a block changes the output, a range past the depth is named. */
    @Test
    void predictTakesALayerStrategy() throws Exception {
        String weights = Fixtures.file("lit_tiny.pt").toString(), inputs = Fixtures.file("lit_tiny_io.npz").toString();
        String[] head = {"predict", "--model", "LiT-S/2"};
        java.util.Map<String, INDArray> outs = new java.util.LinkedHashMap<>();
        for (String layers : new String[] {"", "repeat=1-1", "skip=1-1"}) {
            Path out = dir.resolve("layers-" + layers.replace('=', '_') + ".npz");
            String[] tail = layers.isEmpty() ? new String[] {"--weights", weights, "--inputs", inputs, "--out", out.toString()}
                    : new String[] {"--weights", weights, "--inputs", inputs, "--out", out.toString(), "--layers", layers};
            assertEquals(0, Lit.execute(args(head, tail)), layers);
            outs.put(layers, TensorFiles.read(out).get("out"));
        }
        assertEquals(outs.get(""), outs.get("repeat=1-1"));
        assertFalse(outs.get("").equals(outs.get("skip=1-1")), "skipping block 1 changes the output");
        LitRun past = LitRun.of(args(head, "--weights", weights, "--inputs", inputs, "--out", dir.resolve("x.npz").toString(), "--layers", "skip=1-2"));
        assertEquals(2, past.code());
        assertTrue(past.err().contains("'skip=1-2'") && past.err().contains("depth 2"), past.err());
    }

    @Test
    void badInputExitsWithTwoAndWritesNothing() throws Exception {
        Path out = dir.resolve("never.npz");
        Path weights = Fixtures.file("lit_tiny.pt");
        Path inputs = Fixtures.file("lit_tiny_io.npz");
        // wrong architecture for the weights: every mismatch named, nothing written
        assertEquals(2, Lit.execute(args(new String[] {"predict", "--model", "DiT-S/2", "--set", "model.num-heads=4"},
                "--weights", weights.toString(), "--inputs", inputs.toString(), "--out", out.toString())));
        // a config typo
        assertEquals(2, Lit.execute("predict", "--model", "LiT-S/2", "--set", "model.depht=2", "--weights", weights.toString(),
                "--inputs", inputs.toString(), "--out", out.toString()));
        // a truncated weights file
        Path cut = dir.resolve("cut.pt");
        byte[] full = Files.readAllBytes(weights);
        Files.write(cut, java.util.Arrays.copyOf(full, full.length / 3));
        assertEquals(2, Lit.execute(args(new String[] {"predict", "--model", "LiT-S/2"}, "--weights", cut.toString(),
                "--inputs", inputs.toString(), "--out", out.toString())));
        assertFalse(Files.exists(out));
        assertEquals(2, Lit.execute("predict", "--model", "LiT-Q/2", "--info"));
    }

    @Test
    void inheritCopiesAllButAttentionPrintsTheTableAndRefusesAMisfit() {
        Path teacher = Fixtures.file("dit_tiny.pt"), out = dir.resolve("init.safetensors");
        String table = stdout(args(new String[] {"inherit", "--model", "LiT-S/2", "--set", "model.input-size=8"},
                "--teacher", teacher.toString(), "--out", out.toString()));
        assertTrue(table.contains("blocks.0.attn.q.weight") && table.matches("(?s).*blocks\\.0\\.attn\\.q\\.weight\\s+fresh\\s+\\[64, 64\\].*"), table);
        assertTrue(table.matches("(?s).*blocks\\.1\\.mlp\\.fc2\\.weight\\s+copied\\s+\\[64, 256\\].*"), table);
        Map<String, INDArray> student = TensorFiles.read(out), dit = TensorFiles.read(teacher);
        assertEquals(dit.get("final_layer.linear.weight").castTo(student.get("final_layer.linear.weight").dataType()), student.get("final_layer.linear.weight"));
        // a deeper student than the teacher: refused, nothing written
        Path never = dir.resolve("never.safetensors");
        assertEquals(2, Lit.execute(args(new String[] {"inherit", "--model", "LiT-S/2", "--set", "model.input-size=8"},
                "--set", "model.depth=3", "--teacher", teacher.toString(), "--out", never.toString())));
        assertFalse(Files.exists(never));
    }

    /** A DiT train.py checkpoint {model, ema}: ema by default (as DiT's find_model), model when asked. */
    @Test
    void inheritTakesTheEmaOfATrainPyCheckpointOrItsModel() throws Exception {
        Map<String, INDArray> dit = TensorFiles.read(Fixtures.file("dit_tiny.pt"));
        Map<String, INDArray> doubled = new java.util.LinkedHashMap<>();
        dit.forEach((k, v) -> doubled.put(k, v.mul(2)));
        Path ckpt = dir.resolve("0400000.pt");
        try (var out = Files.newOutputStream(ckpt)) {
            org.lit.core.io.TorchCheckpoint.write(Map.of("model", dit, "ema", doubled), out);
        }
        String[] head = {"inherit", "--model", "LiT-S/2", "--set", "model.input-size=8"};
        String key = "blocks.1.mlp.fc1.weight";
        Path fromEma = dir.resolve("ema.safetensors"), fromModel = dir.resolve("model.safetensors");
        stdout(args(head, "--teacher", ckpt.toString(), "--out", fromEma.toString()));
        stdout(args(head, "--teacher", ckpt.toString(), "--teacher-weights", "model", "--out", fromModel.toString()));
        assertEquals(doubled.get(key).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), TensorFiles.read(fromEma).get(key));
        assertEquals(dit.get(key).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), TensorFiles.read(fromModel).get(key));
    }
}
