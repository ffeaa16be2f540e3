package org.lit.core.nn;

import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Whether the CPU backend's fused loops ({@link VectorKernels}) replace a chain of ND4J ops. They
 * are chosen where one loop does what ND4J does in several passes over memory; every op keeps its
 * portable ND4J path beside it, which the CUDA backend runs, and the tests run both on the CPU.
 * {@code -Dlit.kernels=portable} forces the portable path everywhere; {@code -Dlit.kernels=dwc,gelu}
 * keeps only the kernels named (to measure each one's share with lit bench).
 */
public final class CpuKernels {
    public static final String PROPERTY = "lit.kernels";
    /** The Vector API is an incubator module in Java 17: present only with --add-modules jdk.incubator.vector. */
    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private CpuKernels() {
    }

    /**
     * Whether the kernel of this name (dwc, gelu, norm, gate, heads, softmax, colsum) runs: the CPU
     * backend, a JVM started with --add-modules jdk.incubator.vector (./lit, the tests and the
     * cluster scripts add it), and not excluded by -Dlit.kernels.
     */
    public static boolean vector(String kernel) {
        String only = System.getProperty(PROPERTY);
        return VECTOR_API && Nd4j.getEnvironment().isCPU() && (only == null || Arrays.asList(only.split(",")).contains(kernel));
    }
}
