package org.lit.core.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** GLIDE timestep embedding: 256 sinusoidal frequencies [cos, sin], then Linear, SiLU, Linear. */
public final class TimestepEmbedder {
    static final int FREQUENCIES = 256;
    private static final double MAX_PERIOD = 10000;
    private final Linear fc1;
    private final Linear fc2;
    private INDArray hidden;

    public TimestepEmbedder(ParameterSet.Builder params, String name, long dim) {
        this.fc1 = new Linear(params, name + ".mlp.0", FREQUENCIES, dim);
        this.fc2 = new Linear(params, name + ".mlp.2", dim, dim);
        fc1.weight.initWith(Initializer.normal(0.02));
        fc2.weight.initWith(Initializer.normal(0.02));
    }

    /** The frequency table in float32 arithmetic, as PyTorch computes it, then cast to dtype. */
    public static INDArray frequencyEmbedding(int[] t, DataType dtype) {
        int half = FREQUENCIES / 2;
        float[] freqs = new float[half];
        float logPeriod = (float) -Math.log(MAX_PERIOD);
        for (int k = 0; k < half; k++) freqs[k] = (float) Math.exp(logPeriod * (float) k / (float) half);
        float[][] emb = new float[t.length][FREQUENCIES];
        for (int i = 0; i < t.length; i++) {
            for (int k = 0; k < half; k++) {
                float arg = (float) t[i] * freqs[k];
                emb[i][k] = (float) Math.cos(arg);
                emb[i][k + half] = (float) Math.sin(arg);
            }
        }
        return Nd4j.create(emb).castTo(dtype);
    }

    public INDArray forward(int[] t, DataType dtype, boolean keep) {
        INDArray h = fc1.forward(frequencyEmbedding(t, dtype), keep);
        if (keep) hidden = h;
        return fc2.forward(Activations.silu(h), keep);
    }

    public void backward(INDArray dy) {
        fc1.backward(Activations.siluBackward(hidden, fc2.backward(dy, true)), false);
        hidden = null;
    }

    public long macsPerSample(long dim) {
        return FREQUENCIES * dim + dim * dim;
    }
}
