package org.lit.cli;

import org.junit.jupiter.api.Test;
import org.lit.bench.TorchBaseline;
import org.lit.core.config.Configs;
import org.lit.core.config.ModelConfig;
import org.lit.core.config.ModelConfigs;
import org.lit.core.nn.DiffusionTransformer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `lit bench` as scripts read it: each row starts `model  java s/step  torch s/step  ratio`, and its
 * numbers agree with each other (a ratio is the quotient of the printed times, GFLOP/s the model's
 * FLOPs over the printed time), on a one-block model so that the test stays short.
 */
class BenchCommandTest {
    private static final List<String> TINY = List.of("--set", "model.depth=1", "--set", "model.hidden-size=96", "--set", "model.num-heads=6",
            "--set", "model.num-classes=10", "--steps", "1", "--warmup", "1");
    /** The repository root seen from the module's directory, where surefire runs. */
    private static final Path ROOT = Path.of("..");

    private static String bench(String... args) {
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(List.of(args));
        all.addAll(TINY);
        LitRun run = LitRun.of(all.toArray(String[]::new));
        assertEquals(0, run.code(), run.err() + run.out());
        return run.out();
    }

    /** The whitespace-separated fields of the row starting with `first`. */
    private static String[] row(String out, String first) {
        return out.lines().map(String::trim).filter(l -> l.startsWith(first + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + first + " in\n" + out)).split("\\s+");
    }

    /** A printed quotient agrees with the printed operands, given that each was rounded to its printed digits. */
    private static void assertQuotient(String quotient, String numerator, String denominator, String out) {
        double q = Double.parseDouble(quotient), n = Double.parseDouble(numerator), d = Double.parseDouble(denominator);
        double low = (n - half(numerator)) / (d + half(denominator)) - half(quotient);
        double high = (n + half(numerator)) / (d - half(denominator)) + half(quotient);
        assertTrue(q >= low && q <= high, quotient + " is not " + numerator + " / " + denominator + " in\n" + out);
    }

    /** Half a unit of the last printed digit. */
    private static double half(String printed) {
        int dot = printed.indexOf('.');
        return 0.5 * Math.pow(10, dot < 0 ? 0 : -(printed.length() - dot - 1));
    }

    private static ModelConfig tiny(String name) {
        List<String> set = new ArrayList<>(List.of("model.name=\"" + name + "\""));
        for (int i = 1; i < 8; i += 2) set.add(TINY.get(i));
        return ModelConfigs.fromConfig(Configs.load(List.of(), null, set));
    }

    @Test
    void samplingRowJavaOnly() {
        String out = bench("--sampling", "--models", "LiT-S/2", "--no-torch");
        String[] r = row(out, "LiT-S/2");
        assertEquals(9, r.length, Arrays.toString(r));
        double seconds = Double.parseDouble(r[1]);
        assertTrue(seconds > 0 && seconds < 60, out);
        assertEquals(List.of("-", "-"), List.of(r[2], r[3]), out);
        // forward_with_cfg runs the network on [z; z]: 2 x 8 samples of 32x32 latents, 2 FLOPs per multiply-accumulate.
        double gflop = 2.0 * DiffusionTransformer.info(tiny("LiT-S/2")).macsPerSample() * 16 / 1e9;
        assertQuotient(r[4], "" + gflop, r[1], out);
        // The step workspace holds at least one activation of the batch: 16 x 256 tokens x 96 channels of float.
        double megabytes = Double.parseDouble(r[6]);
        assertTrue(megabytes >= 16 * 256 * 96 * 4 / 1e6 && megabytes < 2000, out);
        assertEquals(List.of("-", "-", "-"), List.of(r[5], r[7], r[8]), out);
    }

    @Test
    void samplingRowBesidePyTorch() {
        assumeTrue(TorchBaseline.find(ROOT, "tools/bench/torch_step.py").isPresent(), "python3 with torch is not here");
        String out = bench("--sampling", "--models", "DiT-S/2", "--root", ROOT.toString());
        String[] r = row(out, "DiT-S/2");
        assertEquals(9, r.length, out);
        assertQuotient(r[3], r[1], r[2], out);
        assertQuotient(r[8], r[6], r[7], out);
        assertTrue(Double.parseDouble(r[7]) > 16 * 256 * 96 * 4 / 1e6, "PyTorch's peak holds at least one activation: " + out);
    }

    @Test
    void resolutionTableExtrapolatesTheDiTPastTheAttentionLimit() {
        // 256 px: 32x32 latents, 256 tokens; the DiT's scores, 6 heads x 256^2 floats, are 1.6 MB, past 1 MB.
        String out = bench("--resolution", "--resolutions", "64,128,256", "--attention-limit-mb", "1", "--no-torch");
        assertTrue(out.contains("DiT-S/2 at 256 px: not run"), out);
        int[] tokens = {16, 64, 256};
        for (int i = 0; i < 3; i++) {
            String[] r = row(out, "" + (64 << i));
            assertEquals(12, r.length, out);
            assertEquals("" + tokens[i], r[1], out);
            assertTrue(Double.parseDouble(r[2]) > 0 && Double.parseDouble(r[8]) > 0, out);
            assertEquals(List.of("-", "-", "-", "-", "-"), List.of(r[4], r[5], r[7], r[10], r[11]), out);
            boolean extrapolated = i == 2;
            assertEquals(extrapolated, r[3].startsWith("~") && r[6].startsWith("~") && r[9].startsWith("~"), out);
            if (!extrapolated) assertQuotient(r[6], r[3], r[2], out);
        }
        assertTrue(out.contains("~: DiT-S/2 extrapolated at 256 px") && out.contains("N = [16, 64]"), out);
    }
}
