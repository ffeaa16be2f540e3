package org.lit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.core.io.NpzReader;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `lit sample --num` as README gives it: the tiny DiT and VAE under local[2]; a killed run finished by the same command. */
class SampleSetCommandTest {
    @TempDir
    Path dir;

    private String[] command(String out, String... extra) {
        Fixtures.file("vae/config.json");
        String[] base = {"sample", "--model", "DiT-S/2", "--set", "model.input-size=8", "--set", "model.hidden-size=64", "--set", "model.depth=2", "--set", "model.num-heads=4",
                "--set", "model.num-classes=10", "--weights", Fixtures.file("dit_tiny.safetensors").toString(),
                "--vae", Fixtures.file("vae/diffusion_pytorch_model.safetensors").toString(), "--num", "5", "--sampler", "ddpm", "--steps", "3",
                "--cfg-scale", "1.5", "--batch", "2", "--part-size", "2", "--master", "local[2]", "--out", dir.resolve(out).toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void writesAnAdmSampleBatchAndFinishesAKilledRun() throws Exception {
        LitRun failed = LitRun.of(command("s.npz", "--fault-kill-part", "2"));
        assertEquals(2, failed.code(), failed.err());
        assertTrue(failed.err().contains("sample failed: injected fault") && failed.err().contains("run the same command again"), failed.err());

        LitRun ok = LitRun.of(command("s.npz"));
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().matches("(?s)5 samples in 3 part\\(s\\) \\([12] sampled by this run\\).*s\\.png\\s*"), ok.out());
        try (NpzReader npz = NpzReader.open(dir.resolve("s.npz"))) {
            assertArrayEquals(new long[] {5, 64, 64, 3}, npz.header("arr_0").shape());
            assertArrayEquals(new long[] {5}, npz.header("labels").shape());
        }
        assertTrue(Files.size(dir.resolve("s.png")) > 1000);
    }

    @Test
    void refusesAmbiguousOrIncompleteRequests() {
        LitRun both = LitRun.of(command("b.npz", "--labels", "1,2"));
        assertEquals(2, both.code());
        assertTrue(both.err().contains("either --labels") && both.err().contains("--num"), both.err());
        String[] png = command("b.npz");
        png[png.length - 1] = dir.resolve("folder").toString();
        LitRun notNpz = LitRun.of(png);
        assertEquals(2, notNpz.code());
        assertTrue(notNpz.err().contains("--out must name an .npz"), notNpz.err());
    }
}
