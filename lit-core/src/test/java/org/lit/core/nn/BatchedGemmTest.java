package org.lit.core.nn;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lit.core.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libnd4j's batched_gemm op (the path CUDA takes, cublasSgemmBatched there) against Nd4j.matmul (the
 * CPU's), both run here on the CPU: every product LinearAttention makes, all four transpose
 * combinations, and whole attention steps. Float32 within 1e-6 of the largest output (the op's CPU
 * loop sums in another order than oneDNN), float64 within 1e-12.
 */
class BatchedGemmTest {
    private static final long HEADS_TIMES_BATCH = 6, TOKENS = 64, HEAD_DIM = 16;

    @AfterEach
    void defaults() {
        System.clearProperty(BatchedGemm.PROPERTY);
    }

    /** Runs body with Nd4j.matmul forced, then with the op forced. */
    private static INDArray[][] bothPaths(Supplier<INDArray[]> body) {
        System.setProperty(BatchedGemm.PROPERTY, BatchedGemm.MATMUL);
        assertFalse(BatchedGemm.chosen());
        INDArray[] matmul = body.get();
        System.setProperty(BatchedGemm.PROPERTY, BatchedGemm.OP);
        assertTrue(BatchedGemm.chosen());
        return new INDArray[][] {matmul, body.get()};
    }

    private static void assertClose(INDArray[][] r, double tolerance, String what) {
        for (int i = 0; i < r[0].length; i++) {
            assertArrayEquals(r[0][i].shape(), r[1][i].shape(), what + " output " + i + " shape");
            double err = Fixtures.relativeError(r[1][i], r[0][i]);
            assertTrue(err <= tolerance, what + " output " + i + ": error " + err + " relative to its largest value (tolerance " + tolerance + ")");
        }
    }

    /** LinearAttention's products (forward and backward) as {name, a's shape, b's shape, transA, transB}, plus one of each transpose pair. */
    static Stream<Arguments> products() {
        long bh = HEADS_TIMES_BATCH, t = TOKENS, hd = HEAD_DIM;
        return Stream.of(
                Arguments.of("q . mean(K)", new long[] {bh, t, hd}, new long[] {bh, 1, hd}, false, true),
                Arguments.of("K^T V", new long[] {bh, t, hd}, new long[] {bh, t, hd}, true, false),
                Arguments.of("q (K^T V)", new long[] {bh, t, hd}, new long[] {bh, hd, hd}, false, false),
                Arguments.of("dq = dU context^T", new long[] {bh, t, hd}, new long[] {bh, hd, hd}, false, true),
                Arguments.of("dq += dDenom mean(K)", new long[] {bh, t, 1}, new long[] {bh, 1, hd}, false, false),
                Arguments.of("dContext = q^T dU", new long[] {bh, t, hd}, new long[] {bh, t, hd}, true, false),
                Arguments.of("dMean(K) = dDenom q", new long[] {bh, 1, t}, new long[] {bh, t, hd}, false, false),
                Arguments.of("dk = V dContext^T", new long[] {bh, t, hd}, new long[] {bh, hd, hd}, false, true),
                Arguments.of("none", new long[] {3, 5, 4}, new long[] {3, 4, 6}, false, false),
                Arguments.of("A^T", new long[] {3, 4, 5}, new long[] {3, 4, 6}, true, false),
                Arguments.of("B^T", new long[] {3, 5, 4}, new long[] {3, 6, 4}, false, true),
                Arguments.of("A^T B^T", new long[] {3, 4, 5}, new long[] {3, 6, 4}, true, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("products")
    void opMatchesMatmul(String name, long[] aShape, long[] bShape, boolean transA, boolean transB) {
        for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Nd4j.getRandom().setSeed(31);
            INDArray a = Nd4j.randn(dtype, aShape), b = Nd4j.randn(dtype, bShape);
            INDArray[][] r = bothPaths(() -> new INDArray[] {Tokens.bmm(a, b, transA, transB)});
            assertEquals(3, r[1][0].rank());
            assertClose(r, dtype == DataType.FLOAT ? 1e-6 : 1e-12, name + " " + dtype);
        }
    }

    @Test
    void viewsThatAreNotRowMajorAreCopiedFirst() {
        Nd4j.getRandom().setSeed(37);
        INDArray a = Nd4j.randn(DataType.FLOAT, 7, 3, 5).permute(1, 0, 2);    // (3, 7, 5), batch stride 5
        INDArray b = Nd4j.randn(DataType.FLOAT, 3, 9, 5).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 7), org.nd4j.linalg.indexing.NDArrayIndex.all());   // (3, 5, 5) inside (3, 9, 5)
        assertClose(bothPaths(() -> new INDArray[] {Tokens.bmm(a, b, false, true), Tokens.bmm(a, b, false, false)}), 1e-6, "strided views");
    }

    @Test
    void badShapesNameThemselves() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 2, 3, 4), b = Nd4j.zeros(DataType.FLOAT, 2, 5, 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchedGemm.multiply(a, b, false, false));
        assertTrue(e.getMessage().contains("[2, 3, 4]") && e.getMessage().contains("[2, 5, 6]"), e.getMessage());
        System.setProperty(BatchedGemm.PROPERTY, "cublas");
        assertThrows(IllegalArgumentException.class, BatchedGemm::chosen);
    }

    @Test
    void linearAttentionStepMatches() {
        assertClose(bothPaths(() -> AttentionStep.run(b -> new LinearAttention(b, "attn", 48, 3, 5), 64)), 1e-6, "linear attention");
    }

    @Test
    void softmaxAttentionStepMatches() {
        assertClose(bothPaths(() -> AttentionStep.run(b -> new SoftmaxAttention(b, "attn", 48, 3), 64)), 1e-6, "softmax attention");
    }

    @Test
    void theBackendChoosesUnlessForced() {
        assertEquals(!Nd4j.getEnvironment().isCPU(), BatchedGemm.chosen(), "CUDA takes the op, the CPU Nd4j.matmul (oneDNN), unless -Dlit.bmm forces one");
    }
}
