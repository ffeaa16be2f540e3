package org.lit.core.nn;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs a test class with every batched matmul through libnd4j's batched_gemm op ({@link BatchedGemm}), the path CUDA takes. */
class ForceBatchedGemm implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty(BatchedGemm.PROPERTY, BatchedGemm.OP);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.clearProperty(BatchedGemm.PROPERTY);
    }
}
