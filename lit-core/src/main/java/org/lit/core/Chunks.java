package org.lit.core;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A batched computation run a few rows at a time: the VAE at 256px holds activations of ~10 MB a
 * row per layer, so 64 samples at once would need gigabytes. Outputs are concatenated along axis 0.
 */
public final class Chunks {
    private Chunks() {
    }

    /** f over consecutive chunks of at most `rows` rows of x; each named output concatenated. */
    public static Map<String, INDArray> map(INDArray x, long rows, Function<INDArray, Map<String, INDArray>> f) {
        Map<String, List<INDArray>> parts = new LinkedHashMap<>();
        for (long start = 0; start < x.size(0); start += rows) {
            INDArray chunk = x.get(NDArrayIndex.interval(start, Math.min(start + rows, x.size(0)))).dup('c');
            f.apply(chunk).forEach((k, v) -> parts.computeIfAbsent(k, key -> new ArrayList<>()).add(v));
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        parts.forEach((k, v) -> out.put(k, v.size() == 1 ? v.get(0) : Nd4j.concat(0, v.toArray(new INDArray[0]))));
        return out;
    }

    /** f over consecutive chunks of at most `rows` rows of x, concatenated. */
    public static INDArray apply(INDArray x, long rows, UnaryOperator<INDArray> f) {
        return map(x, rows, chunk -> Map.of("out", f.apply(chunk))).get("out");
    }
}
