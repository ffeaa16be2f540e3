package org.lit.core.nn;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every ParityTest case again with each batched matmul through libnd4j's batched_gemm op, the path
 * CUDA takes by default ({@link BatchedGemm}): DiT and LiT against PyTorch with the other path.
 */
class BatchedGemmParityTest extends ParityTest {
    @BeforeAll
    static void forceTheOp() {
        System.setProperty(BatchedGemm.PROPERTY, BatchedGemm.OP);
    }

    @AfterAll
    static void defaults() {
        System.clearProperty(BatchedGemm.PROPERTY);
    }
}
