package org.lit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `lit vae encode|decode` on the tiny VAE fixture of tools/reference/make_vae_fixtures.py. */
class VaeCommandTest {
    @TempDir
    Path dir;

    private static Path folder() {
        Fixtures.file("vae/diffusion_pytorch_model.safetensors");
        Fixtures.file("vae/diffusion_pytorch_model.bin");
        return Fixtures.file("vae/config.json").getParent();
    }

    @Test
    void encodeAndDecodeWritePyTorchsNumbers() {
        Path vae = folder();
        Path io = Fixtures.file("vae/io.npz");
        Map<String, INDArray> expected = TensorFiles.read(io);
        Path encoded = dir.resolve("posterior.npz");
        // --batch 1 runs the two images in two calls.
        assertEquals(0, Lit.execute("vae", "encode", "--vae", vae.toString(), "--inputs", io.toString(), "--out", encoded.toString(), "--batch", "1"));
        Map<String, INDArray> posterior = TensorFiles.read(encoded);
        assertEquals(DataType.FLOAT, posterior.get("mean").dataType());
        assertTrue(Fixtures.relativeError(posterior.get("mean"), expected.get("mean")) < 1e-4);
        assertTrue(Fixtures.relativeError(posterior.get("std"), expected.get("std")) < 1e-4);

        Path decoded = dir.resolve("images.npz");
        assertEquals(0, Lit.execute("vae", "decode", "--vae", vae.resolve("diffusion_pytorch_model.bin").toString(), "--inputs", io.toString(),
                "--out", decoded.toString()));
        INDArray images = TensorFiles.read(decoded).get("images");
        assertEquals(DataType.FLOAT, images.dataType());
        double err = Fixtures.relativeError(images, expected.get("decoded"));
        assertTrue(err < 1e-4, "decode error " + err);
    }

    @Test
    void badInputNamesTheFileArrayAndShapeAndWritesNothing() throws Exception {
        Path vae = folder();
        Path out = dir.resolve("out.npz");
        String[][] cases = {
            {"encode", "noimages.npz", "x", "missing array 'images'"},
            {"encode", "channels.npz", "images", "[2, 4, 32, 48]"},
            {"encode", "side.npz", "images", "multiples of 8, got [2, 3, 30, 48]"},
            {"decode", "rank.npz", "latents", "got [4, 4, 6]"},
        };
        long[][] shapes = {{2, 3, 32, 48}, {2, 4, 32, 48}, {2, 3, 30, 48}, {4, 4, 6}};
        for (int i = 0; i < cases.length; i++) {
            Path in = dir.resolve(cases[i][1]);
            TensorFiles.write(in, Map.of(cases[i][2], Nd4j.zeros(DataType.FLOAT, shapes[i])));
            LitRun run = LitRun.of("vae", cases[i][0], "--vae", vae.toString(), "--inputs", in.toString(), "--out", out.toString());
            String err = run.err();
            assertEquals(2, run.code(), err);
            assertTrue(err.contains(in.toString()) && err.contains(cases[i][3]), err);
            assertEquals(1, err.strip().lines().count(), err);
            assertFalse(Files.exists(out));
        }
        LitRun noWeights = LitRun.of("vae", "decode", "--vae", dir.toString(), "--inputs", "x.npz", "--out", out.toString());
        assertEquals(2, noWeights.code());
        assertTrue(noWeights.err().contains(dir.toString()) && noWeights.err().contains("diffusion_pytorch_model.safetensors"), noWeights.err());
    }
}
