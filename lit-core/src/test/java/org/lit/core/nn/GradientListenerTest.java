package org.lit.core.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lit.core.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ranges backward reports final: final_layer, blocks from last to first, then everything before
 * blocks.0; together they cover the gradient buffer once, and none is written after it is reported.
 */
class GradientListenerTest {
    @ParameterizedTest
    @ValueSource(strings = {"dit", "lit"})
    void reportedRangesTileTheBufferAndAreNeverWrittenAgain(String kind) {
        DiffusionTransformer m = Fixtures.liveTiny(kind, DataType.FLOAT, new SplittableRandom(9));
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 4, 8, 8);
        INDArray upstream = Nd4j.randn(DataType.FLOAT, 2, 8, 8, 8);
        int[] t = {3, 700};
        int[] y = {1, 10};
        INDArray grads = m.parameters().grads();

        m.parameters().zeroGrads();
        m.forwardForTraining(x, t, y);
        m.backward(upstream);
        INDArray plain = grads.dup();

        List<long[]> ranges = new ArrayList<>();
        List<INDArray> atReport = new ArrayList<>();
        m.parameters().zeroGrads();
        m.forwardForTraining(x, t, y);
        m.backward(upstream, (from, to) -> {
            ranges.add(new long[] {from, to});
            atReport.add(grads.get(NDArrayIndex.interval(from, to)).dup());
        });

        long size = m.parameters().size();
        long[] expected = {start(m, "final_layer."), size, start(m, "blocks.1."), start(m, "final_layer."), start(m, "blocks.0."), start(m, "blocks.1."),
                0, start(m, "blocks.0.")};
        assertEquals(4, ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            assertEquals(expected[2 * i], ranges.get(i)[0], "range " + i + " from");
            assertEquals(expected[2 * i + 1], ranges.get(i)[1], "range " + i + " to");
            INDArray end = grads.get(NDArrayIndex.interval(ranges.get(i)[0], ranges.get(i)[1]));
            assertArrayEquals(atReport.get(i).toFloatVector(), end.toFloatVector(), "range " + i + " changed after it was reported final");
            assertTrue(end.amaxNumber().doubleValue() > 0, "range " + i + " has a non-zero gradient");
        }
        assertArrayEquals(plain.toFloatVector(), grads.toFloatVector(), "listening changes no gradient bit");
    }

    private static long start(DiffusionTransformer m, String prefix) {
        return m.parameters().params().stream().filter(p -> p.name.startsWith(prefix)).mapToLong(p -> p.offset).min().orElseThrow();
    }
}
