package org.lit.core.vae;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The VAE against tools/reference/vae_reference.py (fixtures of make_vae_fixtures.py, computed in
 * float64): a tiny AutoencoderKL with 32-group GroupNorm, 4 levels, shortcut convs on both sides.
 */
class VaeParityTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    /** The fixture folder: config.json (diffusers 0.4.2, no scaling_factor), .safetensors (old names), .bin (new names). */
    static Path fixtureFolder() {
        Path config = Fixtures.file("vae/config.json");
        Fixtures.file("vae/" + AutoencoderKL.SAFETENSORS);
        Fixtures.file("vae/" + AutoencoderKL.BIN);
        return config.getParent();
    }

    static Map<String, INDArray> io() {
        return TensorFiles.read(Fixtures.file("vae/io.npz"));
    }

    @Test
    void encodeAndDecodeMatchPyTorchFromBothFilesAndNamings() {
        Path folder = fixtureFolder();
        Map<String, INDArray> io = io();
        // The folder loads the .safetensors (published naming); the .bin (current naming) is loaded by name.
        for (Path weights : new Path[] {folder, folder.resolve(AutoencoderKL.BIN)}) {
            AutoencoderKL vae = AutoencoderKL.load(weights);
            Posterior posterior = vae.encode(io.get("images"));
            double meanErr = Fixtures.relativeError(posterior.mean(), io.get("mean"));
            double stdErr = Fixtures.relativeError(posterior.std(), io.get("std"));
            INDArray images = vae.decode(io.get("latents"));
            double decodeErr = Fixtures.relativeError(images, io.get("decoded"));
            System.out.printf("VAE parity (%s): mean %.2e, std %.2e, decode %.2e%n", weights.getFileName(), meanErr, stdErr, decodeErr);
            assertArrayEquals(new long[] {2, 4, 4, 6}, posterior.mean().shape());
            assertArrayEquals(new long[] {2, 3, 32, 48}, images.shape());
            assertEquals(DataType.FLOAT, images.dataType());
            assertTrue(meanErr < TOLERANCE, weights + ": posterior mean error " + meanErr);
            assertTrue(stdErr < TOLERANCE, weights + ": posterior std error " + stdErr);
            assertTrue(decodeErr < TOLERANCE, weights + ": decode error " + decodeErr);
            // The training latent: (mean + std * eps) * scaling_factor, from the fixture's eps.
            INDArray latents = posterior.sample(io.get("eps"), vae.config().scalingFactor());
            assertTrue(Fixtures.relativeError(latents, io.get("latents")) < TOLERANCE);
        }
    }

    @Test
    void configJsonTakesDiffusersDefaultsAndReadsWhatIsThere() throws IOException {
        VaeConfig published = AutoencoderKL.load(fixtureFolder()).config();
        assertEquals(0.18215, published.scalingFactor(), 0.0);     // the 0.4.2 file has no scaling_factor
        assertArrayEquals(new int[] {64, 32, 32, 32}, published.blockOutChannels());
        assertEquals(1, published.layersPerBlock());
        assertEquals(8, published.downsampleFactor());
        assertEquals(VaeConfig.sdVae(), new VaeConfig(3, 3, 4, new int[] {128, 256, 512, 512}, 2, 32, 0.18215));
        assertEquals(8, VaeConfig.sdVae().downsampleFactor());

        Path sdxl = dir.resolve("sdxl.json");
        Files.writeString(sdxl, "{\"block_out_channels\": [128, 256, 512, 512], \"layers_per_block\": 2, \"scaling_factor\": 0.13025,"
                + " \"force_upcast\": true, \"latents_mean\": null, \"shift_factor\": null}");
        VaeConfig read = VaeConfig.fromJson(sdxl);
        assertEquals(0.13025, read.scalingFactor(), 0.0);
        assertEquals(VaeConfig.sdVae().blockOutChannels()[3], read.blockOutChannels()[3]);

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"block_out_channels\": [128, 256], \"layers_per_block\": \"two\"}");
        String message = assertThrows(IllegalArgumentException.class, () -> VaeConfig.fromJson(bad)).getMessage();
        assertTrue(message.contains(bad.toString()) && message.contains("layers_per_block"), message);
        Files.writeString(bad, "{\"act_fn\": \"gelu\"}");
        message = assertThrows(IllegalArgumentException.class, () -> VaeConfig.fromJson(bad)).getMessage();
        assertTrue(message.contains(bad.toString()) && message.contains("act_fn"), message);
        Files.writeString(bad, "{\"block_out_channels\": [128, 250]}");
        message = assertThrows(IllegalArgumentException.class, () -> VaeConfig.fromJson(bad)).getMessage();
        assertTrue(message.contains(bad.toString()) && message.contains("250"), message);

        Path empty = Files.createDirectories(dir.resolve("no-weights"));
        Files.writeString(empty.resolve("config.json"), "{}");
        message = assertThrows(IllegalArgumentException.class, () -> AutoencoderKL.load(empty)).getMessage();
        assertTrue(message.contains(empty.toString()) && message.contains(AutoencoderKL.SAFETENSORS), message);
    }

    @Test
    void theSdVaeStateDictHasDiffusersKeysAndCount() {
        Map<String, long[]> shapes = AutoencoderKL.stateDictShapes(VaeConfig.sdVae());
        long values = 0;
        for (long[] s : shapes.values()) values += java.util.Arrays.stream(s).reduce(1, (a, b) -> a * b);
        assertEquals(248, shapes.size());          // diffusers' AutoencoderKL state_dict (VAE.md section 3)
        assertEquals(83_653_863L, values);
        assertArrayEquals(new long[] {512, 512}, shapes.get("decoder.mid_block.attentions.0.to_out.0.weight"));
        assertArrayEquals(new long[] {256, 128, 1, 1}, shapes.get("encoder.down_blocks.1.resnets.0.conv_shortcut.weight"));
        assertArrayEquals(new long[] {128, 256, 1, 1}, shapes.get("decoder.up_blocks.3.resnets.0.conv_shortcut.weight"));
        assertArrayEquals(new long[] {8, 512, 3, 3}, shapes.get("encoder.conv_out.weight"));
        assertTrue(shapes.containsKey("decoder.up_blocks.2.upsamplers.0.conv.bias") && !shapes.containsKey("decoder.up_blocks.3.upsamplers.0.conv.bias"));
    }

    @Test
    void strictLoadingNamesEveryMissingMisshapenAndUnexpectedTensor() {
        VaeConfig config = VaeConfig.fromJson(fixtureFolder().resolve("config.json"));
        Map<String, INDArray> weights = new LinkedHashMap<>(TensorFiles.read(fixtureFolder().resolve(AutoencoderKL.BIN)));
        weights.remove("decoder.up_blocks.3.resnets.0.conv_shortcut.weight");
        weights.put("encoder.conv_in.bias", Nd4j.zeros(DataType.FLOAT, 65));
        weights.put("encoder.mid_block.attentions.0.to_q.weight", Nd4j.zeros(DataType.FLOAT, 32, 32, 1, 1));
        weights.put("decoder.up_blocks.9.resnets.0.conv1.weight", Nd4j.zeros(DataType.FLOAT, 3));
        String message = assertThrows(IllegalArgumentException.class, () -> AutoencoderKL.of(config, weights, "tiny.bin")).getMessage();
        for (String culprit : new String[] {"tiny.bin", "decoder.up_blocks.3.resnets.0.conv_shortcut.weight", "encoder.conv_in.bias: file [65], model [64]",
                "encoder.mid_block.attentions.0.to_q.weight: file [32, 32, 1, 1], model [32, 32]", "decoder.up_blocks.9.resnets.0.conv1.weight"}) {
            assertTrue(message.contains(culprit), "'" + culprit + "' not in: " + message);
        }
        // A missing attention tensor of a published-naming file is named, with the renaming explained.
        Map<String, INDArray> old = new LinkedHashMap<>(TensorFiles.read(fixtureFolder().resolve(AutoencoderKL.SAFETENSORS)));
        old.remove("decoder.mid_block.attentions.0.proj_attn.bias");
        message = assertThrows(IllegalArgumentException.class, () -> AutoencoderKL.of(config, old, "old.safetensors")).getMessage();
        assertTrue(message.contains("decoder.mid_block.attentions.0.to_out.0.bias") && message.contains("proj_attn"), message);
    }

    @Test
    void logvarIsClampedToMinus30And20() {
        VaeConfig config = VaeConfig.fromJson(fixtureFolder().resolve("config.json"));
        Map<String, INDArray> io = io();
        for (double push : new double[] {1e4, -1e4}) {
            Map<String, INDArray> weights = new LinkedHashMap<>(TensorFiles.read(fixtureFolder().resolve(AutoencoderKL.BIN)));
            INDArray bias = weights.get("quant_conv.bias").castTo(DataType.FLOAT).dup();
            bias.get(NDArrayIndex.interval(4, 8)).addi(push);   // channels 4..7: logvar
            weights.put("quant_conv.bias", bias);
            Posterior p = AutoencoderKL.of(config, weights, "pushed").encode(io.get("images"));
            double expected = (float) Math.exp(push > 0 ? 10.0 : -15.0);
            assertEquals(expected, p.std().minNumber().doubleValue(), expected * 1e-6, "logvar pushed by " + push);
            assertEquals(expected, p.std().maxNumber().doubleValue(), expected * 1e-6, "logvar pushed by " + push);
            assertTrue(Fixtures.relativeError(p.mean(), io.get("mean")) < TOLERANCE);   // the mean is untouched
        }
    }

    @Test
    void groupNormStatisticsAreAccumulatedInDouble() {
        // 128 channels in 32 groups of 4 at 256x256: 262,144 values per group around 3000. Then 96
        // channels of 2 samples (statistics per sample; the statistics pass ends on a partial block).
        long[][] shapes = {{128, 1, 256}, {96, 2, 90}};
        for (long[] shape : shapes) {
            long c = shape[0], n = shape[1], side = shape[2], perGroup = c / 32;
            Nd4j.getRandom().setSeed(7);
            INDArray x = Nd4j.randn(DataType.FLOAT, c, n, side, side).addi(3000.0f);
            Map<String, INDArray> affine = Map.of("gn.weight", Nd4j.ones(DataType.FLOAT, c), "gn.bias", Nd4j.zeros(DataType.FLOAT, c));
            VaeWeights w = new VaeWeights(affine, "test");
            GroupNorm norm = new GroupNorm(w, "gn", c, 32);
            w.finish();
            INDArray[] scaleShift = norm.scaleShift(x.reshape(c * n, side * side), n, side * side);

            double worstOurs = 0, worstFloat = 0;
            for (int g = 0; g < 32; g++) {
                for (int s = 0; s < n; s++) {
                    INDArray group = x.get(NDArrayIndex.interval(g * perGroup, (g + 1) * perGroup), NDArrayIndex.point(s)).dup();
                    double[] v = group.reshape(group.length()).toDoubleVector();
                    double mean = 0, var = 0;
                    for (double d : v) mean += d;
                    mean /= v.length;
                    for (double d : v) var += (d - mean) * (d - mean);
                    var /= v.length;
                    double scale = 1 / Math.sqrt(var + GroupNorm.EPS);
                    double shift = -mean * scale;
                    // What float32 statistics give (ND4J's own float mean and biased variance of the group).
                    double floatMean = group.meanNumber().floatValue();
                    double floatVar = group.varNumber().floatValue() * (v.length - 1.0) / v.length;
                    worstFloat = Math.max(worstFloat, Math.abs(-floatMean / Math.sqrt(floatVar + GroupNorm.EPS) - shift));
                    for (long k = 0; k < perGroup; k++) {
                        long row = (g * perGroup + k) * n + s;
                        assertEquals(scale, scaleShift[0].getDouble(row), Math.abs(scale) * 1e-6);
                        worstOurs = Math.max(worstOurs, Math.abs(scaleShift[1].getDouble(row) - shift));
                    }
                }
            }
            System.out.printf("GroupNorm %s: shift error with double statistics %.2e, with float32 statistics %.2e%n",
                    java.util.Arrays.toString(shape), worstOurs, worstFloat);
            // The shift (-mean/std, about -3000) is rounded to float once: within 1 float ulp at 3000.
            assertTrue(worstOurs <= Math.ulp(3000f), "shift error " + worstOurs);
            if (side == 256) assertTrue(worstFloat > 10 * worstOurs, "float32 statistics were not visibly worse here: " + worstFloat);
        }
    }
}
