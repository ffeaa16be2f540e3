package org.lit.core.nn;

import jdk.incubator.vector.FloatVector;

import static org.lit.core.nn.VectorKernels.ELEMENTS;
import static org.lit.core.nn.VectorKernels.F;
import static org.lit.core.nn.VectorKernels.LANES;
import static org.lit.core.nn.VectorKernels.load;
import static org.lit.core.nn.VectorKernels.parallel;
import static org.lit.core.nn.VectorKernels.store;

/** The optimizer's updates of the flat buffers as CPU kernels, on the primitives and rules of {@link VectorKernels}. */
final class UpdateKernels {
    private UpdateKernels() {
    }

    /**
     * One AdamW update of flat buffers, element by element in the portable path's order: p -= p t
     * decay; m = m b1 + g (1 - b1); v = v b2 + g g (1 - b2); p -= m / (sqrt(v) / bc2Sqrt + eps) t
     * stepSize, with t the trainable mask (0 or 1). Any length: the last partial vector's elements
     * run the same operations one at a time.
     */
    static void adamW(NativeRows p, NativeRows g, NativeRows m, NativeRows v, NativeRows t,
                      float decay, double beta1d, double beta2d, float bc2Sqrt, float eps, float stepSize) {
        float beta1 = (float) beta1d, beta2 = (float) beta2d;
        float rest1 = (float) (1 - beta1d), rest2 = (float) (1 - beta2d);   // as ND4J rounds the portable path's double scalars
        int n = p.cols;
        parallel(F.loopBound(n), ELEMENTS, (from, to) -> {
            for (int i = from; i < to; i += LANES) {
                FloatVector w = load(p, 0, i), grad = load(g, 0, i), mask = load(t, 0, i);
                if (decay != 0) w = w.sub(w.mul(mask).mul(decay));
                FloatVector m1 = load(m, 0, i).mul(beta1).add(grad.mul(rest1));
                FloatVector v1 = load(v, 0, i).mul(beta2).add(grad.mul(grad).mul(rest2));
                store(m1, m, 0, i);
                store(v1, v, 0, i);
                store(w.sub(m1.div(v1.sqrt().div(bc2Sqrt).add(eps)).mul(mask).mul(stepSize)), p, 0, i);
            }
        });
        for (int i = F.loopBound(n); i < n; i++) {
            float w = get(p, i), grad = get(g, i), mask = get(t, i);
            if (decay != 0) w = w - w * mask * decay;
            float m1 = get(m, i) * beta1 + grad * rest1;
            float v1 = get(v, i) * beta2 + grad * grad * rest2;
            put(m, i, m1);
            put(v, i, v1);
            put(p, i, w - m1 / ((float) Math.sqrt(v1) / bc2Sqrt + eps) * mask * stepSize);
        }
    }

    /** average = average decay + weights (1 - decay), any length. */
    static void ema(NativeRows average, NativeRows weights, double decay) {
        float keep = (float) decay, rest = (float) (1 - decay);
        int n = average.cols;
        parallel(F.loopBound(n), ELEMENTS, (from, to) -> {
            for (int i = from; i < to; i += LANES) store(load(average, 0, i).mul(keep).add(load(weights, 0, i).mul(rest)), average, 0, i);
        });
        for (int i = F.loopBound(n); i < n; i++) put(average, i, get(average, i) * keep + get(weights, i) * rest);
    }

    private static float get(NativeRows a, int i) {
        return a.bytes.getFloat(a.at(0, i));
    }

    private static void put(NativeRows a, int i, float value) {
        a.bytes.putFloat(a.at(0, i), value);
    }
}
