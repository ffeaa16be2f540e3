package org.lit.eval.inception;

import org.lit.core.nn.ParameterSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pytorch-fid state dict as the layers take it while they are built: each layer asks for its tensors by name and
 * shape; {@link #finish} then fails with one error naming every missing key, unexpected key and shape mismatch.
 */
final class StateDict {
    private final Map<String, INDArray> tensors;
    private final Map<String, long[]> expected = new LinkedHashMap<>();
    private final String source;

    StateDict(Map<String, INDArray> tensors, String source) {
        this.tensors = tensors;
        this.source = source;
    }

    /**
     * The tensor of that name as float64 (the BN folding is done in double), if the file has it in that shape; else
     * zeros of the expected shape, so that building goes on and {@link #finish} reports every problem at once.
     */
    INDArray take(String name, long... shape) {
        if (expected.put(name, shape) != null) throw new IllegalStateException("tensor taken twice: " + name);
        INDArray t = tensors.get(name);
        if (t == null || !Arrays.equals(t.shape(), shape)) return Nd4j.zeros(DataType.DOUBLE, shape);
        return t.castTo(DataType.DOUBLE).dup('c');
    }

    /**
     * Fails unless the file holds exactly the tensors taken, in their shapes. BatchNorm's num_batches_tracked (a
     * training counter, in the published .pth but not in torch-fidelity's conversion) may be there or not.
     */
    void finish() {
        Map<String, INDArray> weights = new LinkedHashMap<>(tensors);
        weights.keySet().removeIf(k -> k.endsWith(".bn.num_batches_tracked"));
        ParameterSet.checkStrict(expected, weights, source);
    }

    /** Every name and shape the network took, in build order. */
    Map<String, long[]> expected() {
        return expected;
    }
}
