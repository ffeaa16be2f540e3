package org.lit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.data.SyntheticShapes;
import org.lit.data.latents.LatentShards;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `lit encode` as README gives it, on a local folder: the set, a failed run's message, a re-run that finishes it, bad options. */
class EncodeCommandTest {
    @TempDir
    Path dir;

    private static String vae() {
        Fixtures.file("vae/diffusion_pytorch_model.safetensors");
        return Fixtures.file("vae/config.json").getParent().toString();
    }

    @Test
    void aKilledEncodeSaysHowToFinishAndTheSameCommandFinishesIt() throws Exception {
        SyntheticShapes.write(dir.resolve("data"), 3, 32, 0);
        Path out = dir.resolve("latents");
        String[] command = {"encode", "--images", dir.resolve("data/train").toString(), "--vae", vae(), "--resolution", "32", "--out", out.toString(),
                "--master", "local[1]", "--shard-mb", "0.001", "--batch", "2"};  // 1048 bytes: 2 images (520 bytes each) per shard, 6 shards
        String[] killed = java.util.Arrays.copyOf(command, command.length + 2);
        killed[command.length] = "--fault-kill-shard";
        killed[command.length + 1] = "4";
        LitRun failed = LitRun.of(killed);
        assertEquals(2, failed.code(), failed.err());
        assertTrue(failed.err().contains("encode failed: injected fault") && failed.err().contains("run the same command again"), failed.err());
        assertFalse(Files.exists(out.resolve("index.json")));

        LitRun done = LitRun.of(command);
        assertEquals(0, done.code(), done.err());
        assertTrue(done.out().matches("(?s)encoded 12 images into 6 shard\\(s\\) \\([1-6] written by this run\\), 0 file\\(s\\) skipped.*"), done.out());
        try (LatentShards shards = LatentShards.open(out.toString())) {
            assertEquals(12, shards.size());
            assertEquals(java.util.List.of(4, 4, 4), shards.latentShape());
        }
    }

    @Test
    void badOptionsAreOneLineNamingTheOption() {
        LitRun dtype = LitRun.of("encode", "--images", dir.toString(), "--vae", vae(), "--out", dir.resolve("o").toString(), "--dtype", "float8");
        assertEquals(2, dtype.code());
        assertTrue(dtype.err().contains("float8") && dtype.err().contains("float16"), dtype.err());
        SyntheticShapes.write(dir.resolve("data"), 1, 32, 0);
        LitRun huge = LitRun.of("encode", "--images", dir.resolve("data/train").toString(), "--vae", vae(), "--resolution", "32",
                "--out", dir.resolve("o").toString(), "--shard-mb", "100000");
        assertEquals(2, huge.code());
        assertTrue(huge.err().contains("--shard-mb 100000") && huge.err().contains("too large"), huge.err());
        assertFalse(Files.exists(dir.resolve("o")), "nothing written");
        LitRun missing = LitRun.of("encode", "--images", dir.resolve("nope").toString(), "--vae", vae(), "--out", dir.resolve("o").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope"), missing.err());
    }
}
