package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Moves channels c = head * headDim + e between token rows (B*T, D) and per-head batches (B*h, T, hd).
 * Token rows may be a column range of a wider array (K and V of the kv projection): on the CPU the
 * kernels read and write such views in place ({@link VectorKernels#splitHeads}, {@link VectorKernels#mergeHeads}).
 */
final class Heads {
    private static final String KERNEL = "heads";

    private Heads() {
    }

    static INDArray split(INDArray x, long batch, long heads) {
        return split(x, batch, heads, false, 0);
    }

    /** relu(x) + eps split into heads: LiT's kernel feature map phi. */
    static INDArray splitFeatures(INDArray x, long batch, long heads, double eps) {
        return split(x, batch, heads, true, eps);
    }

    private static INDArray split(INDArray x, long batch, long heads, boolean features, double eps) {
        long tokens = x.size(0) / batch;
        long hd = x.size(1) / heads;
        if (!kernel(x, hd)) {
            INDArray in = features ? Transforms.relu(x, true).addi(eps) : x;
            return in.reshape('c', batch, tokens, heads, hd).permute(0, 2, 1, 3).dup('c').reshape('c', batch * heads, tokens, hd);
        }
        INDArray out = Nd4j.createUninitialized(x.dataType(), batch * heads, tokens, hd);
        VectorKernels.splitHeads(NativeRows.of(x), (int) batch, (int) heads, features, (float) eps, NativeRows.of(out.reshape('c', batch * heads * tokens, hd)));
        return out;
    }

    /**
     * out = merge(perHead) * (mask > 0) + add: the gradient through relu where mask (its input) is
     * given, plus another term where add is given; out may be a column range of a wider array.
     */
    static void mergeInto(INDArray perHead, long batch, INDArray mask, INDArray add, INDArray out) {
        long heads = perHead.size(0) / batch;
        if (!kernel(out, perHead.size(2)) || !NativeRows.contiguous(perHead)) {
            INDArray merged = merge(perHead, batch);
            if (mask != null) merged.muli(mask.gt(0.0).castTo(merged.dataType()));
            if (add != null) merged.addi(add);
            out.assign(merged);
            return;
        }
        VectorKernels.mergeHeads(NativeRows.of(perHead.reshape('c', perHead.size(0) * perHead.size(1), perHead.size(2))), (int) batch, (int) heads,
                mask == null ? null : NativeRows.of(mask), add == null ? null : NativeRows.of(add), NativeRows.of(out));
    }

    /** Token rows the kernels take as they lie, heads of whole vectors. */
    private static boolean kernel(INDArray tokens, long hd) {
        return CpuKernels.vector(KERNEL) && NativeRows.usableRows(tokens, hd);
    }

    private static INDArray merge(INDArray x, long batch) {
        long heads = x.size(0) / batch;
        long tokens = x.size(1);
        long hd = x.size(2);
        return x.reshape('c', batch, heads, tokens, hd).permute(0, 2, 1, 3).dup('c').reshape('c', batch * tokens, heads * hd);
    }
}
