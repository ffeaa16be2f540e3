package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Class embedding table with one extra row, the null class (index = numClasses) used for
 * classifier-free guidance. Label dropout is decided by the caller, who passes the null index.
 */
public final class LabelEmbedder {
    public final Param table;
    private final int numClasses;
    private int[] labels;

    public LabelEmbedder(ParameterSet.Builder params, String name, long dim, int numClasses, boolean withNullClass) {
        this.numClasses = numClasses;
        this.table = params.add(name + ".embedding_table.weight", numClasses + (withNullClass ? 1 : 0), dim);
        table.initWith(Initializer.normal(0.02));
    }

    public int nullClass() {
        return numClasses;
    }

    public INDArray forward(int[] y, boolean keep) {
        long rows = table.shape[0];
        for (int label : y) {
            if (label < 0 || label >= rows) {
                throw new IllegalArgumentException("label " + label + " is outside 0.." + (rows - 1) + " (null class " + numClasses + ")");
            }
        }
        labels = keep ? y.clone() : null;
        return table.value().getRows(y);
    }

    public void backward(INDArray dy) {
        for (int i = 0; i < labels.length; i++) table.grad().getRow(labels[i]).addi(dy.getRow(i));
        labels = null;
    }
}
