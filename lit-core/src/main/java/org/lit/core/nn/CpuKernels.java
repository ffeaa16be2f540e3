package org.lit.core.nn;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Whether the CPU backend's hand-written loops (plain Java over float arrays, channels innermost so
 * C2 vectorises them) replace a chain of ND4J ops. They are chosen where one loop does what ND4J
 * does in many passes over memory; every op keeps its portable ND4J path beside it, which the
 * CUDA backend runs, and the tests run both on the CPU. {@code -Dlit.kernels=portable} forces the
 * portable path everywhere; {@code -Dlit.kernels=dwc} keeps only the kernels named (to measure
 * each one's share with lit bench).
 */
public final class CpuKernels {
    public static final String PROPERTY = "lit.kernels";

    private CpuKernels() {
    }

    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /**
     * Whether the {@link VectorKernels} kernel of this name (gelu, norm, colsum) runs: a CPU kernel
     * on a JVM started with --add-modules jdk.incubator.vector (./lit, the tests and the cluster
     * scripts add it; without it the portable path runs).
     */
    public static boolean vector(String kernel) {
        return VECTOR_API && enabled(kernel);
    }

    /** Whether the kernel of this name (dwc) runs. */
    public static boolean enabled(String kernel) {
        String only = System.getProperty(PROPERTY);
        return Nd4j.getEnvironment().isCPU() && (only == null || java.util.Arrays.asList(only.split(",")).contains(kernel));
    }
}
