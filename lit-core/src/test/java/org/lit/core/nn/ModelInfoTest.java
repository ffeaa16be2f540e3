package org.lit.core.nn;

import org.junit.jupiter.api.Test;
import org.lit.core.config.ModelConfig;
import org.lit.core.config.ModelConfigs;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every paper size constructs, with DiT's published parameter counts and GFLOPs (REFERENCE.md 1.1). */
class ModelInfoTest {
    private static ModelInfo info(String name) {
        return DiffusionTransformer.info(ModelConfigs.named(name));
    }

    private static ModelInfo info512(String name) {
        ModelConfig c = ModelConfigs.named(name);
        return DiffusionTransformer.info(new ModelConfig(c.name(), 64, c.inChannels(), c.patchSize(), c.hiddenSize(), c.depth(),
                c.numHeads(), c.mlpRatio(), c.numClasses(), c.classDropout(), c.learnSigma(), c.attention()));
    }

    @Test
    void parameterCountsMatchPyTorch() {
        Map<String, Long> expected = Map.of("DiT-S/2", 32_963_360L, "DiT-B/2", 130_512_416L, "DiT-L/2", 458_102_816L,
                "DiT-XL/2", 675_129_632L, "LiT-S/2", 33_023_264L, "LiT-B/2", 130_592_288L, "LiT-L/2", 458_262_560L,
                "LiT-XL/2", 675_339_296L);
        expected.forEach((name, count) -> assertEquals(count, info(name).parameters(), name));
        assertEquals(676_014_368L, info512("DiT-XL/2").parameters(), "DiT-XL/2 at 512px");
    }

    @Test
    void gflopsMatchTheDiTPaperTable4() {
        Map<String, Double> table4 = Map.ofEntries(
                Map.entry("DiT-S/2", 6.06), Map.entry("DiT-S/4", 1.41), Map.entry("DiT-S/8", 0.36),
                Map.entry("DiT-B/2", 23.01), Map.entry("DiT-B/4", 5.56), Map.entry("DiT-B/8", 1.42),
                Map.entry("DiT-L/2", 80.71), Map.entry("DiT-L/4", 19.70), Map.entry("DiT-L/8", 5.01),
                Map.entry("DiT-XL/2", 118.64), Map.entry("DiT-XL/4", 29.05), Map.entry("DiT-XL/8", 7.39));
        // Our count is the exact multiply-accumulates of every matmul, linear and conv; the paper's
        // rounded figures agree within 0.02% (XL/2: 118.62 here against 118.64 printed).
        table4.forEach((name, gflops) -> assertEquals(gflops, info(name).gflops(), 0.005 + 2e-4 * gflops, name));
        assertEquals(524.6, info512("DiT-XL/2").gflops(), 0.05 + 2e-4 * 524.6, "DiT-XL/2 at 512px (paper Table 3)");
    }

    /**
     * LiT swaps each block's 2 N^2 D of attention for 2 N D hd (K^T V and q (K^T V)), N D for the
     * normaliser and 25 N D for the depth-wise conv; everything else is DiT's.
     */
    @Test
    void litCostIsDiTCostWithLinearAttention() {
        for (String size : new String[] {"S", "B", "L", "XL"}) {
            for (int p : new int[] {2, 4, 8}) {
                ModelConfig c = ModelConfigs.named("LiT-" + size + "/" + p);
                long n = c.tokens(), d = c.hiddenSize(), hd = d / c.attentionHeads();
                long perBlock = 2 * n * d * hd + n * d + 25 * n * d - 2 * n * n * d;
                assertEquals(info("DiT-" + size + "/" + p).macsPerSample() + c.depth() * perBlock, info(c.name()).macsPerSample(), c.name());
            }
        }
    }
}
