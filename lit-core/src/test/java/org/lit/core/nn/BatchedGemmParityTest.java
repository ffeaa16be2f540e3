package org.lit.core.nn;

import org.junit.jupiter.api.extension.ExtendWith;

/** Every ParityTest case again with each batched matmul through libnd4j's batched_gemm op: DiT and LiT against PyTorch with the other path. */
@ExtendWith(ForceBatchedGemm.class)
class BatchedGemmParityTest extends ParityTest {
}
