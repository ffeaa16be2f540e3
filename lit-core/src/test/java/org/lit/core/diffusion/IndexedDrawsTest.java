package org.lit.core.diffusion;

import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.config.ModelConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IndexedDrawsTest {
    private final ModelConfig tiny = Fixtures.tiny("dit");
    private final IndexedDraws draws = new IndexedDraws(7, 10);

    @Test
    void aSampleDrawsTheSameWhateverBatchItFallsIn() {
        int[] all = draws.labels(0, 12);
        int[] tail = draws.labels(5, 7);
        assertArrayEquals(Arrays.copyOfRange(all, 5, 12), tail);
        INDArray z = draws.startNoise(0, 12, tiny);
        assertArrayEquals(new long[] {12, 4, 8, 8}, z.shape());
        assertEquals(z.get(NDArrayIndex.interval(5, 12)), draws.startNoise(5, 7, tiny));

        long[] row = {1, 4, 8, 8};
        StepNoise whole = draws.stepNoise(0, 12), part = draws.stepNoise(5, 7);
        for (int step = 0; step < 3; step++) {                  // each sample's stream moves on step by step
            INDArray a = whole.draw(new long[] {12, 4, 8, 8}), b = part.draw(new long[] {7, 4, 8, 8});
            assertEquals(a.get(NDArrayIndex.interval(5, 12)), b, "step " + step);
            assertNotEquals(a.get(NDArrayIndex.interval(0, 1)), z.get(NDArrayIndex.interval(0, 1)).reshape(row));
        }
    }

    @Test
    void drawsAreStandardNormalAndLabelsCoverTheClasses() {
        INDArray z = draws.startNoise(0, 200, tiny);
        assertEquals(0.0, z.meanNumber().doubleValue(), 0.02);    // 51200 values: sd of the mean 0.0044
        assertEquals(1.0, z.stdNumber().doubleValue(), 0.02);
        int[] counts = new int[10];
        for (int y : draws.labels(0, 2000)) counts[y]++;
        for (int c : counts) assertTrue(c > 140 && c < 260, Arrays.toString(counts));
        assertNotEquals(new IndexedDraws(8, 10).startNoise(0, 1, tiny), draws.startNoise(0, 1, tiny), "the seed matters");
    }

    @Test
    void aGuidedBatchGivesBothHalvesOneSamplesNoise() {
        INDArray guided = draws.stepNoise(3, 4).draw(new long[] {8, 4, 8, 8});
        assertEquals(guided.get(NDArrayIndex.interval(0, 4)), guided.get(NDArrayIndex.interval(4, 8)));
        assertEquals(guided.get(NDArrayIndex.interval(0, 4)), draws.stepNoise(3, 4).draw(new long[] {4, 4, 8, 8}));
        assertThrows(IllegalArgumentException.class, () -> draws.stepNoise(3, 4).draw(new long[] {5, 4, 8, 8}));
    }
}
