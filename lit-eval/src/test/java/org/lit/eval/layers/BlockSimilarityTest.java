package org.lit.eval.layers;

import org.lit.core.nn.ModelInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.lit.core.config.ModelConfig;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The similarity matrix against tools/reference/layers_reference.py, the grouping rule, and the files written. */
class BlockSimilarityTest {
    private static DiffusionTransformer deep(String kind) {
        ModelConfig t = Fixtures.tiny(kind);
        ModelConfig c = new ModelConfig(t.name(), t.inputSize(), t.inChannels(), t.patchSize(), t.hiddenSize(), 6, t.numHeads(), t.mlpRatio(),
                t.numClasses(), t.classDropout(), t.learnSigma(), t.attention());
        DiffusionTransformer m = new DiffusionTransformer(c, DataType.FLOAT);
        m.parameters().load(TensorFiles.read(Fixtures.file(kind + "_deep.pt")), kind + "_deep.pt");
        return m;
    }

    /** make_layer_fixtures.py: depth 6, random weights, 3 inputs, float64; here in batches of 2 and 1. */
    @Test
    void matrixMatchesThePyTorchReference() {
        for (String kind : new String[] {"dit", "lit"}) {
            Path npz = Fixtures.file(kind + "_deep_layers.npz");
            INDArray expected = TensorFiles.read(npz).get("similarity");
            double[][] s = LayerSimilarity.of(deep(kind), ModelInputs.read(npz), 2);
            double worst = 0;
            for (int i = 0; i < 6; i++) {
                assertEquals(1.0, s[i][i], 1e-6, kind + ": S[i][i] = 1");
                for (int j = 0; j < 6; j++) {
                    worst = Math.max(worst, Math.abs(s[i][j] - expected.getDouble(i, j)));
                    assertEquals(s[i][j], s[j][i], kind + ": symmetric");
                }
            }
            assertTrue(worst < 1e-4, kind + ": max |S - S_torch| = " + worst);
            // The reference's matrix, grouped by the rule: blocks 2..4 all at least the mean similarity (0.853 / 0.858).
            BlockGroups g = BlockGroups.suggest(s, null);
            assertArrayEquals(new int[] {0, 1}, g.first(), kind);
            assertArrayEquals(new int[] {2, 3, 4}, g.middle(), kind);
            assertArrayEquals(new int[] {5}, g.last(), kind);
            assertEquals(kind.equals("dit") ? 0.85266 : 0.85803, g.threshold(), 1e-4, kind);
        }
    }

    @Test
    void theSameInputsGiveTheSameMatrixWhateverTheBatch() {
        DiffusionTransformer m = deep("lit");
        ModelInputs in = ModelInputs.drawn(5, 3, m.config());
        assertArrayEquals(new int[] {0, 250, 500, 749, 999}, in.t(), "timesteps spread over 0..999");
        double[][] one = LayerSimilarity.of(m, in, 5), three = LayerSimilarity.of(m, in, 2);
        for (int i = 0; i < 6; i++) assertArrayEquals(one[i], three[i], 1e-6);
        assertEquals(in.x(), ModelInputs.drawn(5, 3, m.config()).x(), "drawn from the seed");
    }

    /** A matrix whose groups are plain to see: blocks 2..6 alike, 0-1 and 7 apart. */
    @Test
    void groupingFindsTheLongestRunAboveTheThreshold() {
        int depth = 8;
        double[][] s = new double[depth][depth];
        for (int i = 0; i < depth; i++) {
            for (int j = 0; j < depth; j++) {
                boolean middle = i >= 2 && i <= 6 && j >= 2 && j <= 6;
                s[i][j] = i == j ? 1 : middle ? 0.95 - 0.01 * Math.abs(i - j) : 0.5;
            }
        }
        BlockGroups g = BlockGroups.suggest(s, null);
        assertEquals("2-6", g.middleRange());
        assertArrayEquals(new int[] {7}, g.last());
        assertEquals("2-3", BlockGroups.suggest(s, 0.935).middleRange(), "a stricter threshold: adjacent pairs only; the first such run wins the tie");
        assertEquals("1-1", BlockGroups.suggest(s, 0.999).middleRange(), "nothing passes: a single block");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockGroups.suggest(new double[][] {{1, 0.5}, {0.5, 1}}, null));
        assertTrue(e.getMessage().contains("depth of at least 3"), e.getMessage());
    }

    @Test
    void reportWritesTheCsvTheHeatmapAndTheGroups(@TempDir Path dir) throws Exception {
        double[][] s = LayerSimilarity.of(deep("dit"), ModelInputs.read(Fixtures.file("dit_deep_layers.npz")), 3);
        BlockGroups g = BlockGroups.suggest(s, null);
        SimilarityReport.write(new OutputFolder(dir.toString()), s, g, "tiny DiT", 3);
        List<String> csv = Files.readAllLines(dir.resolve(SimilarityReport.CSV));
        assertEquals("block,0,1,2,3,4,5", csv.get(0));
        assertEquals(7, csv.size());
        for (int i = 0; i < 6; i++) {
            String[] cells = csv.get(i + 1).split(",");
            assertEquals(String.valueOf(i), cells[0]);
            for (int j = 0; j < 6; j++) assertEquals(s[i][j], Double.parseDouble(cells[j + 1]), "exact as written");
        }
        BufferedImage png = ImageIO.read(dir.resolve(SimilarityReport.PNG).toFile());
        assertEquals(SimilarityHeatmap.WIDTH, png.getWidth());
        assertEquals(SimilarityHeatmap.HEIGHT, png.getHeight());
        assertEquals(g, SimilarityReport.readGroups(dir.resolve(SimilarityReport.GROUPS).toString()));
    }
}
