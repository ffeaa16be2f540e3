package org.lit.distill;

import org.lit.core.config.ModelConfig;
import org.lit.core.nn.DiffusionTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The frozen DiT teacher: its (EMA) weights, a forward pass on the student's noisy input without
 * gradients and without keeping activations.
 */
public final class Teacher {
    private final DiffusionTransformer model;

    public Teacher(ModelConfig config, Map<String, INDArray> weights, String source) {
        this.model = new DiffusionTransformer(config, DataType.FLOAT);
        model.parameters().load(weights, source);
    }

    /** The teacher's (N, 2C, H, W) output for the student's x_t, t and the labels it should see. */
    public INDArray predict(INDArray xt, int[] t, int[] y) {
        return model.forward(xt, t, y);
    }

    public int nullClass() {
        return model.nullClass();
    }
}
