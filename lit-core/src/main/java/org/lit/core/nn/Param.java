package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One named parameter, a window onto the network's flat value and gradient buffers.
 * The name is PyTorch's state-dict key ({@code blocks.3.attn.qkv.weight}).
 */
public final class Param {
    public final String name;
    public final long[] shape;
    /** False for buffers PyTorch stores as parameters but never trains (pos_embed). */
    public final boolean trainable;
    public final long offset;
    private INDArray value;
    private INDArray grad;
    private Initializer init = Initializer.ZEROS;

    Param(String name, long[] shape, boolean trainable, long offset) {
        this.name = name;
        this.shape = shape.clone();
        this.trainable = trainable;
        this.offset = offset;
    }

    public long length() {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    void bind(INDArray value, INDArray grad) {
        this.value = value;
        this.grad = grad;
    }

    /** How {@link ParameterSet#initialize} fills this parameter (the reference's initialize_weights). */
    public void initWith(Initializer init) {
        this.init = init;
    }

    public Initializer initializer() {
        return init;
    }

    /** The parameter's values, a view of the flat buffer in PyTorch's (row-major) layout. */
    public INDArray value() {
        return value;
    }

    /** The gradient accumulator, a view of the flat gradient buffer; backward adds into it. */
    public INDArray grad() {
        return grad;
    }
}
