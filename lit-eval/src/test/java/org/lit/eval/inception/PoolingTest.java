package org.lit.eval.inception;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The padding rules of TF's pools, which pytorch-fid reproduces and libnd4j takes as integer flags. */
class PoolingTest {
    @Test
    void averageDividesByTheValuesInsideTheImage() {
        // 5x6 image, value = 10 * row + col: a corner averages its 4 neighbours (not 9), an edge cell its 6.
        INDArray x = Nd4j.create(DataType.FLOAT, 1, 5, 6, 1);
        for (int r = 0; r < 5; r++) for (int c = 0; c < 6; c++) x.putScalar(new int[] {0, r, c, 0}, 10 * r + c);
        INDArray y = Pooling.averageExcludingPadding(x);
        assertArrayEquals(new long[] {1, 5, 6, 1}, y.shape());
        assertEquals((0 + 1 + 10 + 11) / 4.0, y.getDouble(0, 0, 0, 0), 1e-6);
        assertEquals((2 + 3 + 4 + 12 + 13 + 14) / 6.0, y.getDouble(0, 0, 3, 0), 1e-6);
        assertEquals((12 + 13 + 14 + 22 + 23 + 24 + 32 + 33 + 34) / 9.0, y.getDouble(0, 2, 3, 0), 1e-6);
    }

    @Test
    void maxPoolPaddingNeverWinsAndStride2IsValid() {
        INDArray x = Nd4j.ones(DataType.FLOAT, 1, 4, 4, 2).muli(-3);
        x.putScalar(new int[] {0, 1, 1, 1}, -1);
        INDArray same = Pooling.max(1, 1).forward(x);
        assertEquals(-3.0, same.getDouble(0, 3, 3, 0), 0.0);     // the padded zeros would give 0
        assertEquals(-1.0, same.getDouble(0, 0, 0, 1), 0.0);
        assertArrayEquals(new long[] {1, 35, 35, 8}, Pooling.max(2, 0).outputShape(new long[] {1, 71, 71, 8}));   // after Conv2d_4a
    }
}
