package org.lit.eval.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

/**
 * S[i][j]: the mean, over samples and tokens, of the cosine similarity between the hidden state (a
 * token's D-dim vector) after block i and after block j. Accumulated batch by batch, so any number
 * of inputs fits in memory; each batch's cosines are summed in double.
 */
public final class BlockSimilarity {
    /** torch.nn.functional.cosine_similarity's floor on a norm: a zero vector has similarity 0, not NaN. */
    private static final double EPS = 1e-8;

    private final int depth;
    private final double[][] sums;
    private long tokens;

    public BlockSimilarity(int depth) {
        this.depth = depth;
        this.sums = new double[depth][depth];
    }

    /** One batch: the states (N, T, D) after each block, as DiffusionTransformer.blockStates gives them. */
    public void add(List<INDArray> states) {
        if (states.size() != depth) throw new IllegalArgumentException(states.size() + " block states for a model of depth " + depth);
        INDArray[] unit = new INDArray[depth];
        for (int i = 0; i < depth; i++) {
            INDArray h = states.get(i);
            INDArray rows = h.reshape('c', h.length() / h.size(-1), h.size(-1)).castTo(DataType.FLOAT);
            INDArray norms = Transforms.max(rows.norm2(1), EPS, false);
            unit[i] = rows.divColumnVector(norms.reshape(norms.length(), 1));
        }
        for (int i = 0; i < depth; i++) {
            for (int j = i; j < depth; j++) {
                double sum = unit[i].mul(unit[j]).sum(1).castTo(DataType.DOUBLE).sumNumber().doubleValue();
                sums[i][j] += sum;
                if (j != i) sums[j][i] += sum;
            }
        }
        tokens += unit[0].size(0);
    }

    /** The mean so far: S[i][j], symmetric, 1 on the diagonal. */
    public double[][] matrix() {
        if (tokens == 0) throw new IllegalStateException("no states added");
        double[][] s = new double[depth][depth];
        for (int i = 0; i < depth; i++) {
            for (int j = 0; j < depth; j++) s[i][j] = sums[i][j] / tokens;
        }
        return s;
    }
}
