package org.lit.core.vae;

import org.lit.core.nn.ParameterSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VAE state dict as the modules take it while they are built: each module asks for its tensors
 * by diffusers name and shape; {@link #finish} then fails with one error naming every missing key,
 * unexpected key and shape mismatch ({@link ParameterSet#checkStrict}, the transformer's rule).
 *
 * <p>Both attention namings load: the published sd-vae-ft-* files (written by diffusers 0.4.2)
 * call the mid-block projections {@code query/key/value/proj_attn}; diffusers since 0.17 calls
 * them {@code to_q/to_k/to_v/to_out.0}. Both are Linear [C, C], so this is a rename, as diffusers'
 * own loader does it.
 */
final class VaeWeights {
    /** Current diffusers names of the mid-block attention's q, k, v and output projections. */
    static final String[] ATTENTION_PROJECTIONS = {"to_q", "to_k", "to_v", "to_out.0"};
    private static final List<String> PUBLISHED_NAMES = List.of("query", "key", "value", "proj_attn");
    private static final Pattern PUBLISHED = Pattern.compile("(.*\\.attentions\\.\\d+\\.)(query|key|value|proj_attn)(\\.(?:weight|bias))");

    private final Map<String, INDArray> tensors;
    private final Map<String, long[]> expected = new LinkedHashMap<>();
    private final String source;

    VaeWeights(Map<String, INDArray> file, String source) {
        this.tensors = new LinkedHashMap<>();
        boolean renamed = false;
        for (Map.Entry<String, INDArray> e : file.entrySet()) {
            String name = currentName(e.getKey());
            renamed |= !name.equals(e.getKey());
            if (tensors.put(name, e.getValue()) != null) {
                throw new IllegalArgumentException("cannot load weights from " + source + ": " + name + " appears under both attention namings");
            }
        }
        this.source = renamed ? source + " (attention keys query/key/value/proj_attn read as to_q/to_k/to_v/to_out.0)" : source;
    }

    /** query/key/value/proj_attn of a mid-block attention to to_q/to_k/to_v/to_out.0; other keys unchanged. */
    static String currentName(String key) {
        Matcher m = PUBLISHED.matcher(key);
        if (!m.matches()) return key;
        return m.group(1) + ATTENTION_PROJECTIONS[PUBLISHED_NAMES.indexOf(m.group(2))] + m.group(3);
    }

    /**
     * The tensor of that name as a float32 c-order array, if the file has it in that shape; else
     * zeros of the expected shape, so that building goes on and {@link #finish} reports every problem.
     */
    INDArray take(String name, long... shape) {
        if (expected.put(name, shape) != null) throw new IllegalStateException("tensor taken twice: " + name);
        INDArray t = tensors.get(name);
        if (t == null || !Arrays.equals(t.shape(), shape)) return Nd4j.zeros(DataType.FLOAT, shape);
        return t.castTo(DataType.FLOAT).dup('c');
    }

    /** Fails unless every tensor of the file was taken, in the expected shape, and none is missing. */
    void finish() {
        ParameterSet.checkStrict(expected, tensors, source);
    }

    /** Every name and shape the model took, in build order (the state-dict grammar of this config). */
    Map<String, long[]> expected() {
        return expected;
    }
}
