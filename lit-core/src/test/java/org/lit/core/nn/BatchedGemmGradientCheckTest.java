package org.lit.core.nn;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** GradientCheckTest (float64) again with each batched matmul through libnd4j's batched_gemm op ({@link BatchedGemm}). */
class BatchedGemmGradientCheckTest extends GradientCheckTest {
    @BeforeAll
    static void forceTheOp() {
        System.setProperty(BatchedGemm.PROPERTY, BatchedGemm.OP);
    }

    @AfterAll
    static void defaults() {
        System.clearProperty(BatchedGemm.PROPERTY);
    }
}
