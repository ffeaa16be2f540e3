package org.lit.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every parameter of a network in one flat buffer, with one flat gradient buffer of the same
 * layout. The distributed runtime all-reduces {@link #grads()} as a single array, and the
 * optimizer steps {@link #values()} as a single array; modules see named, shaped views.
 * Order is PyTorch's state-dict order, so offsets are stable across runs and languages.
 */
public final class ParameterSet {
    private final Map<String, Param> byName;
    private final INDArray values;
    private final INDArray grads;

    private ParameterSet(Map<String, Param> byName, INDArray values, INDArray grads) {
        this.byName = byName;
        this.values = values;
        this.grads = grads;
    }

    /** Registers parameters while modules are built; {@link #allocate} then binds every view. */
    public static final class Builder {
        private final Map<String, Param> params = new LinkedHashMap<>();
        private long size;

        public Param add(String name, long... shape) {
            return add(name, true, shape);
        }

        public Param add(String name, boolean trainable, long... shape) {
            if (params.containsKey(name)) throw new IllegalStateException("parameter registered twice: " + name);
            Param p = new Param(name, shape, trainable, size);
            params.put(name, p);
            size += p.length();
            return p;
        }

        /** Elements registered so far (the parameter count, pos_embed included, as PyTorch counts). */
        public long size() {
            return size;
        }

        public ParameterSet allocate(DataType dtype) {
            INDArray values = Nd4j.zeros(dtype, size);
            INDArray grads = Nd4j.zeros(dtype, size);
            for (Param p : params.values()) {
                p.bind(window(values, p), window(grads, p));
            }
            return new ParameterSet(Collections.unmodifiableMap(params), values, grads);
        }

        private static INDArray window(INDArray flat, Param p) {
            return flat.get(NDArrayIndex.interval(p.offset, p.offset + p.length())).reshape('c', p.shape);
        }
    }

    public INDArray values() {
        return values;
    }

    public INDArray grads() {
        return grads;
    }

    public DataType dataType() {
        return values.dataType();
    }

    public long size() {
        return values.length();
    }

    public List<Param> params() {
        return new ArrayList<>(byName.values());
    }

    public Param get(String name) {
        Param p = byName.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter named " + name);
        return p;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Applies every parameter's initializer in state-dict order from one seeded stream. */
    public void initialize(long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        for (Param p : byName.values()) p.initializer().fill(p, rng);
    }

    public void zeroGrads() {
        grads.assign(0);
    }

    /**
     * Strict load, as PyTorch's {@code load_state_dict(strict=True)}: every missing key, every
     * unexpected key and every shape mismatch is collected and reported in one error.
     */
    public void load(Map<String, INDArray> tensors, String source) {
        loadInto(values, tensors, source);
    }

    /** The same strict load into another flat buffer of this layout (EMA weights, optimizer moments). */
    public void loadInto(INDArray flat, Map<String, INDArray> tensors, String source) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Param p : byName.values()) shapes.put(p.name, p.shape);
        checkStrict(shapes, tensors, source);
        for (Param p : byName.values()) {
            flat.get(NDArrayIndex.interval(p.offset, p.offset + p.length())).assign(tensors.get(p.name).castTo(flat.dataType()).reshape(p.length()));
        }
    }

    /**
     * The check of a strict load into a model expecting these names and shapes: every missing key,
     * every unexpected key and every shape mismatch of the file, reported together in one error.
     */
    public static void checkStrict(Map<String, long[]> expected, Map<String, INDArray> tensors, String source) {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            INDArray t = tensors.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (!Arrays.equals(t.shape(), e.getValue())) {
                mismatched.add(e.getKey() + ": file " + Arrays.toString(t.shape()) + ", model " + Arrays.toString(e.getValue()));
            }
        }
        for (String k : tensors.keySet()) if (!expected.containsKey(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            StringBuilder sb = new StringBuilder("cannot load weights from " + source + " into the model:");
            if (!missing.isEmpty()) sb.append("\n  missing keys (").append(missing.size()).append("): ").append(String.join(", ", missing));
            if (!unexpected.isEmpty()) sb.append("\n  unexpected keys (").append(unexpected.size()).append("): ").append(String.join(", ", unexpected));
            if (!mismatched.isEmpty()) sb.append("\n  shape mismatches (").append(mismatched.size()).append("): ").append(String.join("; ", mismatched));
            throw new IllegalArgumentException(sb.toString());
        }
    }

    /** A copy of every parameter by name, in state-dict order (for writing files). */
    public Map<String, INDArray> toMap() {
        return toMap(values, "");
    }

    /**
     * A copy of another flat buffer of this layout (EMA weights, optimizer moments) by parameter
     * name plus suffix, each window shaped as its parameter.
     */
    public Map<String, INDArray> toMap(INDArray flat, String suffix) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Param p : byName.values()) {
            out.put(p.name + suffix, flat.get(NDArrayIndex.interval(p.offset, p.offset + p.length())).dup('c').reshape('c', p.shape));
        }
        return out;
    }

    /** The gradient of every parameter by name (views), in state-dict order. */
    public Map<String, INDArray> gradMap() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Param p : byName.values()) out.put(p.name, p.grad());
        return out;
    }
}
