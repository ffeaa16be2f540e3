package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Attention's per-head products through libnd4j's batched_gemm op: one cublasSgemmBatched call for
 * the whole batch on CUDA, where ND4J's rank-3 Nd4j.matmul ends in a naive kernel of one thread per
 * output element. On the CPU the op is a plain triple loop (libnd4j uses a batched BLAS only with
 * MKL), while Nd4j.matmul is oneDNN's GEMM: so the backend chooses, CUDA this op and the CPU
 * Nd4j.matmul. {@code -Dlit.bmm=batched-gemm} or {@code -Dlit.bmm=matmul} forces one (the tests run
 * both on the CPU).
 *
 * <p>The op (libnd4j generic/blas/batched_gemm.cpp, 1.0.0-M2.1) is BLAS's column-major GEMM on each
 * matrix's raw memory: integer arguments transA, transB, M, N, K, ldA, ldB, ldC, batch (transposes
 * 0/1); inputs alpha and beta (one per matrix: M2.1's CPU loop reads alpha[i]), then the batch's A
 * matrices, then its B matrices; one output per matrix. Its checks read the arrays' shapes as if
 * untransposed (A is M x K, B is K x N, whatever transA and transB say), and its CUDA side multiplies
 * the arrays' device memory as it lies unless an output is not column-major ('f'), when it swaps the
 * operands without swapping their transposes. A row-major product C = op(A) op(B) is, read
 * column-major, C^T = op(B)^T op(A)^T: so the op gets B's matrices as its A and A's as its B, with
 * the same transpose flags, and every matrix as a view of its own memory with the shape the checks
 * want: a transposed view ('f') of a matrix taken as it lies, the matrix itself ('c') of one taken
 * transposed. The outputs are transposed views ('f') of the row-major result.
 */
final class BatchedGemm {
    static final String PROPERTY = "lit.bmm";
    static final String OP = "batched-gemm";
    static final String MATMUL = "matmul";

    private BatchedGemm() {
    }

    /** Whether {@link Tokens#bmm} goes through this op: on CUDA, unless -Dlit.bmm says otherwise. */
    static boolean chosen() {
        String forced = System.getProperty(PROPERTY);
        if (forced == null) return !Nd4j.getEnvironment().isCPU();
        return switch (forced) {
            case OP -> true;
            case MATMUL -> false;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be " + OP + " or " + MATMUL + ", got '" + forced + "'");
        };
    }

    /** c[i] = op(a[i]) op(b[i]) over the leading dimension, into a fresh row-major array. */
    static INDArray multiply(INDArray a, INDArray b, boolean transA, boolean transB) {
        if (a.rank() != 3 || b.rank() != 3 || a.size(0) != b.size(0) || a.dataType() != b.dataType()) {
            throw new IllegalArgumentException("batched matmul takes two rank-3 arrays of one batch and data type, got " + a.dataType()
                    + Arrays.toString(a.shape()) + " and " + b.dataType() + Arrays.toString(b.shape()));
        }
        INDArray ra = rowMajor(a), rb = rowMajor(b);
        int batch = Math.toIntExact(a.size(0));
        int rows = Math.toIntExact(transA ? a.size(2) : a.size(1));
        int inner = Math.toIntExact(transA ? a.size(1) : a.size(2));
        int cols = Math.toIntExact(transB ? b.size(1) : b.size(2));
        if ((transB ? b.size(2) : b.size(1)) != inner) {
            throw new IllegalArgumentException("batched matmul: inner dimensions differ: " + Arrays.toString(a.shape()) + (transA ? "^T" : "")
                    + " times " + Arrays.toString(b.shape()) + (transB ? "^T" : ""));
        }
        // Zeros, not uninitialized memory: M2.1's CPU loop adds beta * C even for beta = 0, so garbage NaN would survive.
        INDArray c = Nd4j.zeros(a.dataType(), batch, rows, cols);
        if (batch == 0) return c;
        INDArray[] inputs = new INDArray[2 + 2 * batch];
        INDArray[] outputs = new INDArray[batch];
        inputs[0] = Nd4j.ones(a.dataType(), batch);
        inputs[1] = Nd4j.zeros(a.dataType(), batch);
        for (int i = 0; i < batch; i++) {
            inputs[2 + i] = matrix(rb, i, !transB);
            inputs[2 + batch + i] = matrix(ra, i, !transA);
            outputs[i] = matrix(c, i, true);
        }
        Nd4j.exec(DynamicCustomOp.builder("batched_gemm").addInputs(inputs).addOutputs(outputs)
                .addIntegerArguments(transB ? 1 : 0, transA ? 1 : 0, cols, rows, inner, (int) rb.size(2), (int) ra.size(2), cols, batch)
                .build());
        return c;
    }

    /** Matrix i of a row-major (n, rows, cols) array in its own memory: as it lies ('c'), or transposed ('f'). */
    private static INDArray matrix(INDArray x, int i, boolean transposed) {
        long rows = x.size(1), cols = x.size(2);
        long offset = x.offset() + i * rows * cols;
        return transposed ? Nd4j.create(x.data(), new long[] {cols, rows}, new long[] {1, cols}, offset, 'f')
                : Nd4j.create(x.data(), new long[] {rows, cols}, new long[] {cols, 1}, offset, 'c');
    }

    /** x itself when its elements lie in row-major order (sizes of 1 aside), else a row-major copy. */
    private static INDArray rowMajor(INDArray x) {
        long expected = 1;
        for (int d = x.rank() - 1; d >= 0; d--) {
            if (x.size(d) > 1 && x.stride(d) != expected) return x.dup('c');
            expected *= x.size(d);
        }
        return x;
    }
}
