package org.lit.core.nn;

import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.config.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.lit.core.diffusion.GaussianDiffusion;
import org.lit.core.diffusion.Sampler;
import org.lit.core.io.TensorFiles;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layer strategies on a tiny DiT and LiT of depth 6 with random, non-zero weights, against the PyTorch reference. */
class BlockScheduleTest {
    /** The tiny configs of make_fixtures.py at depth 6. */
    private static ModelConfig deep(String kind) {
        ModelConfig t = Fixtures.tiny(kind);
        return new ModelConfig(t.name(), t.inputSize(), t.inChannels(), t.patchSize(), t.hiddenSize(), 6, t.numHeads(), t.mlpRatio(),
                t.numClasses(), t.classDropout(), t.learnSigma(), t.attention());
    }

    private static DiffusionTransformer model(String kind) {
        DiffusionTransformer m = new DiffusionTransformer(deep(kind), DataType.FLOAT);
        m.parameters().initialize(0);
        Nd4j.getRandom().setSeed(1);
        m.parameters().values().addi(Nd4j.randn(DataType.FLOAT, m.parameters().size()).muli(0.05));   // adaLN-Zero's gates away from zero
        return m;
    }

    private static INDArray out(DiffusionTransformer m, String strategy) {
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 4, 8, 8);
        m.setSchedule(BlockSchedule.parse(strategy, 6));
        return m.forward(x, new int[] {10, 500, 999}, new int[] {1, 2, 10});
    }

    /** Every strategy against tools/reference/layers_reference.py (make_layer_fixtures.py: depth 6, random weights, float64). */
    @Test
    void strategiesMatchThePyTorchReference() {
        for (String kind : new String[] {"dit", "lit"}) {
            DiffusionTransformer m = new DiffusionTransformer(deep(kind), DataType.FLOAT);
            m.parameters().load(org.lit.core.io.TensorFiles.read(Fixtures.file(kind + "_deep.pt")), kind + "_deep.pt");
            java.util.Map<String, INDArray> f = org.lit.core.io.TensorFiles.read(Fixtures.file(kind + "_deep_layers.npz"));
            int[] t = f.get("t").toIntVector(), y = f.get("y").toIntVector();
            int checked = 0;
            for (String key : f.keySet()) {
                if (!key.startsWith("out_")) continue;
                String strategy = key.substring(4);
                m.setSchedule(BlockSchedule.parse(strategy.equals("all") ? null : strategy, 6));
                double err = Fixtures.relativeError(m.forward(f.get("x"), t, y), f.get(key));
                assertTrue(err < 1e-4, kind + " " + strategy + ": relative error " + err);
                checked++;
            }
            assertEquals(8, checked, kind);
        }
    }

    /** A 10-step DDIM trajectory (eta 0, no guidance) under two strategies, each step against the reference's. */
    @Test
    void ddimTrajectoriesUnderAStrategyMatchThePyTorchReference() {
        GaussianDiffusion d = GaussianDiffusion.respaced("ddim10");
        for (String kind : new String[] {"dit", "lit"}) {
            DiffusionTransformer m = new DiffusionTransformer(deep(kind), DataType.FLOAT);
            m.parameters().load(TensorFiles.read(Fixtures.file(kind + "_deep.pt")), kind + "_deep.pt");
            Map<String, INDArray> f = TensorFiles.read(Fixtures.file(kind + "_deep_layers.npz"));
            int[] y = f.get("y").toIntVector();
            for (String strategy : new String[] {"skip=2-3", "loop=1-4:2"}) {
                INDArray expected = f.get("ddim10_" + strategy);
                assertEquals(d.numTimesteps() + 1, expected.size(0));
                m.setSchedule(BlockSchedule.parse(strategy, 6));
                INDArray x = f.get("x");
                for (int i = d.numTimesteps() - 1, step = 1; i >= 0; i--, step++) {
                    int[] t = {i, i, i};
                    x = d.ddimStep(m.forward(x, d.originalTimesteps(t), y), x, t, 0.0, null, false);
                    double err = Fixtures.relativeError(x, expected.get(NDArrayIndex.point(step)));
                    assertTrue(err < 1e-4, kind + " " + strategy + " step " + step + ": relative error " + err);
                }
                INDArray sampled = Sampler.run(m, d, f.get("x"), y, new Sampler.Options(false, 1.0, false, 0));
                assertEquals(x, sampled, kind + " " + strategy + ": the sampler's loop is the trajectory's");
            }
        }
    }

    /** Layer analysis reads every block's state whatever strategy is set (their values: lit-eval's BlockSimilarityTest). */
    @Test
    void blockStatesRunEveryBlockWhateverTheSchedule() {
        DiffusionTransformer m = model("lit");
        Nd4j.getRandom().setSeed(2);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 4, 8, 8);
        int[] t = {10, 500, 999}, y = {1, 2, 10};
        List<INDArray> states = m.blockStates(x, t, y);
        assertEquals(6, states.size());
        for (INDArray h : states) assertArrayEquals(new long[] {3, 16, 64}, h.shape());
        for (int i = 0; i < 5; i++) assertNotEquals(states.get(i), states.get(i + 1), "block " + (i + 1) + " changes h");
        m.setSchedule(BlockSchedule.parse("skip=2-5", 6));
        List<INDArray> again = m.blockStates(x, t, y);
        for (int i = 0; i < 6; i++) assertEquals(states.get(i), again.get(i), "block " + i);
    }

    @Test
    void strategiesThatChangeNothingAreBitEqualToTheNetwork() {
        for (String kind : new String[] {"dit", "lit"}) {
            DiffusionTransformer m = model(kind);
            INDArray all = out(m, null);
            for (String same : new String[] {"repeat=3-3", "reverse=3-3", "loop=3-3:1", "parallel=0-0", "repeat=5-5"}) {
                assertEquals(all, out(m, same), kind + " " + same);
            }
            assertEquals(out(m, "parallel=1-4"), out(m, "loop=1-4:1"), kind + ": one loop is the parallel run");
            for (String change : new String[] {"skip=2-3", "repeat=1-4", "reverse=1-4", "parallel=1-4", "loop=1-4:2"}) {
                assertNotEquals(all, out(m, change), kind + " " + change + " changes the output");
            }
            assertNotEquals(out(m, "parallel=1-4"), out(m, "loop=1-4:2"));
        }
    }

    @Test
    void skippingABlockWhoseGatesAreZeroChangesNothing() {
        DiffusionTransformer m = model("dit");
        m.parameters().get("blocks.2.adaLN_modulation.1.weight").value().assign(0);
        m.parameters().get("blocks.2.adaLN_modulation.1.bias").value().assign(0);
        assertEquals(out(m, null), out(m, "skip=2-2"));
        assertNotEquals(out(m, null), out(m, "skip=3-3"));
    }

    @Test
    void aBadStrategyNamesItselfAndTheDepth() {
        for (String bad : new String[] {"skipp=1-2", "skip=1", "loop=1-2", "skip=4-2", "skip=4-6", "repeat=0-12"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockSchedule.parse(bad, 6), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("depth 6"), e.getMessage());
        }
        DiffusionTransformer m = model("dit");
        m.setSchedule(BlockSchedule.parse("skip=1-1", 6));
        assertThrows(IllegalStateException.class, () -> m.forwardForTraining(Nd4j.zeros(DataType.FLOAT, 1, 4, 8, 8), new int[] {1}, new int[] {1}));
    }
}
