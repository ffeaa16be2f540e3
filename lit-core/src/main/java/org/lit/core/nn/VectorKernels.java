package org.lit.core.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Fused loops of the CPU backend over ND4J's native memory (here, and in {@link DepthwiseKernels} and
 * {@link UpdateKernels}, which share these primitives and rules), written with the JDK's Vector API
 * (jdk.incubator.vector), each one explicitly vectorised pass where ND4J takes several passes and
 * temporaries. Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * ({@link CpuKernels#vector}); otherwise, and on CUDA, callers run their portable ND4J path.
 * <p>
 * The same bits whether HotSpot has compiled a kernel or still interprets it (a resumed run, or a
 * worker that joined late, must compute what the others do): only lane-wise IEEE operations (add,
 * mul, exact fma, div, sqrt), a polynomial exp of our own instead of the library's (whose compiled
 * and interpreted forms differ in the last bit), and lane sums reduced in a fixed order. Vectors are
 * 8 floats on every machine, so the order does not depend on the CPU either; rows must be a
 * multiple of 8 long ({@link #fits}).
 * <p>
 * Each kernel splits its rows over the cores ({@link #parallel}): while it runs, libnd4j's OpenMP
 * threads sleep (OMP_WAIT_POLICY=PASSIVE) and their cores would idle. Sums over rows (per sample, or
 * over fixed pieces added in order) come out the same whatever the number of threads.
 */
final class VectorKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final int LANES = F.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final float GELU_A = (float) (2 * Math.sqrt(2 / Math.PI));
    private static final float GELU_B = (float) (2 * Math.sqrt(2 / Math.PI) * 0.044715);

    static final int ELEMENTS = 1 << 15;   // elements per piece of an elementwise kernel
    static final int ROWS = 64;             // rows per piece of a row-wise kernel

    private VectorKernels() {
    }

    /** A piece of a kernel's work: rows, samples or elements [from, to). */
    interface Piece {
        void run(int from, int to);
    }

    /**
     * Runs body over [0, n) in pieces of grain on the common fork-join pool and the calling thread.
     * The pieces depend only on n and grain, never on the thread count.
     */
    static void parallel(int n, int grain, Piece body) {
        int pieces = (n + grain - 1) / grain;
        if (pieces <= 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, pieces).parallel().forEach(i -> body.run(i * grain, Math.min(n, (i + 1) * grain)));
    }

    /** Whether the hardware runs 8-float vectors natively and a row of this length is whole vectors. */
    static boolean fits(long rowLength) {
        return FloatVector.SPECIES_PREFERRED.length() >= LANES && rowLength % LANES == 0;
    }

    static FloatVector load(NativeRows a, int r, int c) {
        return FloatVector.fromByteBuffer(F, a.bytes, a.at(r, c), NATIVE);
    }

    static void store(FloatVector v, NativeRows a, int r, int c) {
        v.intoByteBuffer(a.bytes, a.at(r, c), NATIVE);
    }

    /** The lanes' sum, added left to right. */
    private static float sum(FloatVector v) {
        float s = 0;
        for (int i = 0; i < LANES; i++) s += v.lane(i);
        return s;
    }

    /**
     * e^x for x in [-87, 88] (clamped there), within 2 ulp: Cephes' expf. x = k ln2 + r with
     * |r| <= ln2/2 (k rounded by adding and subtracting 1.5 * 2^23), e^r by a degree-6 polynomial,
     * 2^k by writing k into the exponent bits.
     */
    private static FloatVector exp(FloatVector x) {
        x = x.max(-87f).min(88f);
        FloatVector shifted = x.fma(1.44269504088896341f, 12582912f);
        FloatVector k = shifted.sub(12582912f);
        IntVector exponent = shifted.reinterpretAsInts().sub(0x4B400000).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector r = x.sub(k.mul(0.693359375f)).add(k.mul(2.12194440e-4f));   // ln2 in two parts: k * 0.693359375 is exact
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f).mul(r).add(8.3334519073e-3f).mul(r).add(4.1665795894e-2f)
                .mul(r).add(1.6666665459e-1f).mul(r).add(5.0000001201e-1f);
        FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
        return er.mul(exponent.reinterpretAsFloats());
    }

    private static FloatVector logistic(FloatVector u) {
        return FloatVector.broadcast(F, 1f).div(exp(u.neg()).add(1f));
    }

    /** s = sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3). */
    private static FloatVector geluGate(FloatVector x) {
        return logistic(x.mul(x).mul(GELU_B).add(GELU_A).mul(x));
    }

    /** y = x s: tanh-GELU (see {@link Activations#geluTanh}). */
    static void geluTanh(NativeRows x, NativeRows y) {
        parallel(x.cols, ELEMENTS, (from, to) -> {
            for (int i = from; i < to; i += LANES) {
                FloatVector v = load(x, 0, i);
                store(geluGate(v).mul(v), y, 0, i);
            }
        });
    }

    /** dx = dy [s + x s (1 - s) 2 sqrt(2/pi) (1 + 3 * 0.044715 x^2)], s recomputed from x. */
    static void geluTanhBackward(NativeRows x, NativeRows dy, NativeRows dx) {
        parallel(x.cols, ELEMENTS, (from, to) -> {
            for (int i = from; i < to; i += LANES) {
                FloatVector v = load(x, 0, i);
                FloatVector g = geluGate(v);
                FloatVector du = v.mul(v).mul(3 * GELU_B).add(GELU_A).mul(v);
                store(du.mul(g.neg().add(1f).mul(g)).add(g).mul(load(dy, 0, i)), dx, 0, i);
            }
        });
    }

    /**
     * sums (one row) += the sum over the rows of x: each piece of rows row by row into a row-sized
     * partial sum (memory read in order once), the partial sums added in piece order.
     */
    static void addColumnSums(NativeRows x, NativeRows sums) {
        int cols = x.cols;
        float[][] partial = new float[(x.rows + ROWS - 1) / ROWS][cols];
        parallel(x.rows, ROWS, (from, to) -> {
            float[] acc = partial[from / ROWS];
            for (int r = from; r < to; r++) {
                for (int c = 0; c < cols; c += LANES) FloatVector.fromArray(F, acc, c).add(load(x, r, c)).intoArray(acc, c);
            }
        });
        for (int c = 0; c < cols; c += LANES) {
            FloatVector total = FloatVector.fromArray(F, partial[0], c);
            for (int i = 1; i < partial.length; i++) total = total.add(FloatVector.fromArray(F, partial[i], c));
            store(load(sums, 0, c).add(total), sums, 0, c);
        }
    }

    /**
     * out = LayerNorm(x) (1 + scale_b) + shift_b for each row of sample b = row / tokens; keeps the
     * normalised rows and 1/std per row (both null at inference).
     */
    static void modulatedNorm(NativeRows x, NativeRows shift, NativeRows scale, int tokens, double eps,
                              NativeRows out, NativeRows normalized, NativeRows invStd) {
        int cols = x.cols;
        parallel(x.rows, ROWS, (from, to) -> {
            for (int r = from; r < to; r++) {
                int b = r / tokens;
                FloatVector total = FloatVector.zero(F);
                for (int c = 0; c < cols; c += LANES) total = total.add(load(x, r, c));
                float mean = sum(total) / cols;
                FloatVector squares = FloatVector.zero(F);
                for (int c = 0; c < cols; c += LANES) {
                    FloatVector d = load(x, r, c).sub(mean);
                    squares = d.fma(d, squares);
                }
                float inv = (float) (1 / Math.sqrt(sum(squares) / cols + eps));
                if (invStd != null) invStd.bytes.putFloat(invStd.at(r, 0), inv);
                for (int c = 0; c < cols; c += LANES) {
                    FloatVector n = load(x, r, c).sub(mean).mul(inv);
                    if (normalized != null) store(n, normalized, r, c);
                    store(n.fma(load(scale, b, c).add(1f), load(shift, b, c)), out, r, c);
                }
            }
        });
    }

    /**
     * The backward of {@link #modulatedNorm} from dOut: dShift_b and dScale_b (sums over the
     * sample's tokens of dOut and dOut n) and dx = invStd (dn - mean(dn) - n mean(dn n)) + residual,
     * dn = dOut (1 + scale_b); residual may be null.
     */
    static void modulatedNormBackward(NativeRows dOut, NativeRows normalized, NativeRows invStd, NativeRows scale, int tokens,
                                      NativeRows residual, NativeRows dx, NativeRows dShift, NativeRows dScale) {
        int cols = dOut.cols;
        parallel(dOut.rows / tokens, 1, (first, last) -> {
            float[] shiftAcc = new float[cols], scaleAcc = new float[cols];
            for (int r = first * tokens; r < last * tokens; r++) {
                int b = r / tokens;
                FloatVector sumDn = FloatVector.zero(F), sumDnN = FloatVector.zero(F);
                for (int c = 0; c < cols; c += LANES) {
                    FloatVector g = load(dOut, r, c), n = load(normalized, r, c);
                    FloatVector dn = g.mul(load(scale, b, c).add(1f));
                    FloatVector.fromArray(F, shiftAcc, c).add(g).intoArray(shiftAcc, c);
                    g.fma(n, FloatVector.fromArray(F, scaleAcc, c)).intoArray(scaleAcc, c);
                    sumDn = sumDn.add(dn);
                    sumDnN = dn.fma(n, sumDnN);
                }
                float meanDn = sum(sumDn) / cols, meanDnN = sum(sumDnN) / cols;
                float inv = invStd.bytes.getFloat(invStd.at(r, 0));
                for (int c = 0; c < cols; c += LANES) {
                    FloatVector dn = load(dOut, r, c).mul(load(scale, b, c).add(1f));
                    FloatVector d = dn.sub(meanDn).sub(load(normalized, r, c).mul(meanDnN)).mul(inv);
                    store(residual == null ? d : d.add(load(residual, r, c)), dx, r, c);
                }
                if ((r + 1) % tokens == 0) {
                    for (int c = 0; c < cols; c += LANES) {
                        store(FloatVector.fromArray(F, shiftAcc, c), dShift, b, c);
                        store(FloatVector.fromArray(F, scaleAcc, c), dScale, b, c);
                    }
                    Arrays.fill(shiftAcc, 0);
                    Arrays.fill(scaleAcc, 0);
                }
            }
        });
    }

    /** out = x + branch gate_b for each row of sample b = row / tokens: adaLN-Zero's gated residual. */
    static void gatedResidual(NativeRows x, NativeRows branch, NativeRows gate, int tokens, NativeRows out) {
        parallel(x.rows, ROWS, (from, to) -> {
            for (int r = from; r < to; r++) {
                int b = r / tokens;
                for (int c = 0; c < x.cols; c += LANES) store(load(branch, r, c).fma(load(gate, b, c), load(x, r, c)), out, r, c);
            }
        });
    }

    /** dBranch = dOut gate_b and dGate_b = the sum over the sample's tokens of dOut branch. */
    static void gatedResidualBackward(NativeRows dOut, NativeRows branch, NativeRows gate, int tokens, NativeRows dBranch, NativeRows dGate) {
        int cols = dOut.cols;
        parallel(dOut.rows / tokens, 1, (first, last) -> {
            for (int b = first; b < last; b++) {
                float[] acc = new float[cols];
                for (int r = b * tokens; r < (b + 1) * tokens; r++) {
                    for (int c = 0; c < cols; c += LANES) {
                        FloatVector g = load(dOut, r, c);
                        store(g.mul(load(gate, b, c)), dBranch, r, c);
                        g.fma(load(branch, r, c), FloatVector.fromArray(F, acc, c)).intoArray(acc, c);
                    }
                }
                for (int c = 0; c < cols; c += LANES) store(FloatVector.fromArray(F, acc, c), dGate, b, c);
            }
        });
    }

    /**
     * Token rows (B*T, h*hd) to per-head rows (B*h*T, hd): out[(b h + j) T + t] = f(x[b T + t], head j),
     * f = relu(.) + eps when features (LiT's phi), else the identity.
     */
    static void splitHeads(NativeRows x, int batch, int heads, boolean features, float eps, NativeRows out) {
        int tokens = x.rows / batch, hd = x.cols / heads;
        parallel(x.rows, ROWS, (from, to) -> {
            for (int r = from; r < to; r++) {
                int b = r / tokens, t = r % tokens;
                for (int j = 0; j < heads; j++) {
                    int o = (b * heads + j) * tokens + t;
                    for (int e = 0; e < hd; e += LANES) {
                        FloatVector v = load(x, r, j * hd + e);
                        store(features ? v.max(0f).add(eps) : v, out, o, e);
                    }
                }
            }
        });
    }

    /**
     * Per-head rows (B*h*T, hd) back to token rows: out[b T + t, head j] = perHead[(b h + j) T + t]
     * times (mask > 0) where mask is given (relu's gradient), plus add where given.
     */
    static void mergeHeads(NativeRows perHead, int batch, int heads, NativeRows mask, NativeRows add, NativeRows out) {
        int tokens = out.rows / batch, hd = perHead.cols;
        parallel(out.rows, ROWS, (from, to) -> {
            for (int r = from; r < to; r++) {
                int b = r / tokens, t = r % tokens;
                for (int j = 0; j < heads; j++) {
                    int i = (b * heads + j) * tokens + t;
                    for (int e = 0, c = j * hd; e < hd; e += LANES, c += LANES) {
                        FloatVector v = load(perHead, i, e);
                        if (mask != null) v = FloatVector.zero(F).blend(v, load(mask, r, c).compare(VectorOperators.GT, 0f));
                        if (add != null) v = v.add(load(add, r, c));
                        store(v, out, r, c);
                    }
                }
            }
        });
    }

    /** Softmax's backward in place, row by row: dp <- p (dp - sum_j dp_j p_j) * scale. */
    static void softmaxBackward(NativeRows probs, NativeRows dProbs, float scale) {
        int cols = probs.cols;
        parallel(probs.rows, ROWS, (from, to) -> {
            for (int r = from; r < to; r++) {
                FloatVector dot = FloatVector.zero(F);
                for (int c = 0; c < cols; c += LANES) dot = load(dProbs, r, c).fma(load(probs, r, c), dot);
                float rowDot = sum(dot);
                for (int c = 0; c < cols; c += LANES) store(load(dProbs, r, c).sub(rowDot).mul(load(probs, r, c)).mul(scale), dProbs, r, c);
            }
        });
    }
}
