package org.lit.eval.inception;

import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Tf1Resize against tools/reference/inception_reference.py's tf1_resize, a numpy float32 transcription of TF's
 * resize_bilinear_op.cc (fixtures of make_inception_parity_fixtures.py): bit for bit.
 */
class Tf1ResizeTest {
    @Test
    void bitIdenticalToTheTfKernelTranscription() {
        // 256 and 64 px photos and random uint8 up to 299 (ADM's 256 and 64 px evaluations), 512 down to 299
        // (2x2 taps, aliasing), and a non-square image scaled up in one axis and down in the other.
        for (String name : new String[] {"256", "512", "64", "odd"}) {
            Map<String, INDArray> c = TensorFiles.read(Fixtures.file("inception/resize_" + name + ".npz"));
            INDArray expected = c.get("output");
            INDArray actual = Tf1Resize.resize(c.get("input"), (int) expected.size(1), (int) expected.size(2));
            assertEquals(DataType.FLOAT, actual.dataType());
            assertArrayEquals(expected.shape(), actual.shape(), name);
            double maxDiff = Transforms.abs(actual.sub(expected)).maxNumber().doubleValue();
            System.out.printf("TF1 resize %s %s -> %s: max |diff| %s%n", name, java.util.Arrays.toString(c.get("input").shape()),
                    java.util.Arrays.toString(expected.shape()), maxDiff);
            assertEquals(0.0, maxDiff, 0.0, name);
            assertEquals(expected, actual, name);
        }
    }

    @Test
    void theFormulaByHand() {
        // 2 -> 3: scale 2/3, positions 0, 2/3, 4/3; the last clamps its upper tap to the edge (no weight on it).
        INDArray x = Nd4j.createFromArray(new float[] {0, 30, 90, 150}).reshape(1, 2, 2, 1);
        INDArray y = Tf1Resize.resize(x, 1, 3).reshape(3);
        float lerp = 2f / 3f;
        assertEquals(0f, y.getFloat(0), 0f);
        assertEquals(0f + (30f - 0f) * lerp, y.getFloat(1), 0f);
        float pos = 2f * (2f / 3f);
        assertEquals(30f + (30f - 30f) * (pos - (float) Math.floor(pos)), y.getFloat(2), 0f);
        // Same size: the identity (TF copies; the formula gives the same bits).
        INDArray img = Nd4j.rand(DataType.FLOAT, 1, 5, 7, 3).muli(255);
        assertEquals(img, Tf1Resize.resize(img, 5, 7));
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tf1Resize.resize(Nd4j.zeros(DataType.UINT8, 4, 4, 3), 299, 299));
        assertEquals("images must be (N, H, W, C), got [4, 4, 3]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tf1Resize.resize(Nd4j.zeros(DataType.UINT8, 1, 4, 4, 3), 0, 299));
    }
}
