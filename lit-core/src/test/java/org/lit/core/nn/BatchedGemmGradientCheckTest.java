package org.lit.core.nn;

import org.junit.jupiter.api.extension.ExtendWith;

/** GradientCheckTest (float64) again with each batched matmul through libnd4j's batched_gemm op. */
@ExtendWith(ForceBatchedGemm.class)
class BatchedGemmGradientCheckTest extends GradientCheckTest {
}
