package org.lit.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The optimizer's updates of the flat parameter buffers as one pass each on the CPU
 * ({@link UpdateKernels#adamW}, {@link UpdateKernels#ema}): no model-sized temporaries (the ND4J
 * path makes four per AdamW step). Each returns false, doing nothing, where the caller's portable
 * path must run instead (another backend, float64, no Vector API).
 */
public final class FusedUpdates {
    private static final String KERNEL = "adamw";

    private FusedUpdates() {
    }

    private static boolean runs(INDArray... xs) {
        if (!CpuKernels.vector(KERNEL)) return false;
        for (INDArray x : xs) if (x.dataType() != DataType.FLOAT || !NativeRows.contiguous(x)) return false;
        return true;
    }

    /** AdamW in place on p, m (first moment) and v (second); t masks the trainable entries; decay = lr * weight decay. */
    public static boolean adamW(INDArray p, INDArray g, INDArray m, INDArray v, INDArray t,
                                double decay, double beta1, double beta2, double bc2Sqrt, double eps, double stepSize) {
        if (!runs(p, g, m, v, t)) return false;
        UpdateKernels.adamW(NativeRows.flat(p), NativeRows.flat(g), NativeRows.flat(m), NativeRows.flat(v), NativeRows.flat(t),
                (float) decay, beta1, beta2, (float) bc2Sqrt, (float) eps, (float) stepSize);
        return true;
    }

    /** average = average * decay + weights * (1 - decay), in place. */
    public static boolean ema(INDArray average, INDArray weights, double decay) {
        if (!runs(average, weights)) return false;
        UpdateKernels.ema(NativeRows.flat(average), NativeRows.flat(weights), decay);
        return true;
    }
}
