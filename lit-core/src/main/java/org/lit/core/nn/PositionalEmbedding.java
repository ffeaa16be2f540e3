package org.lit.core.nn;

import org.nd4j.linalg.factory.Nd4j;

/**
 * MAE's fixed 2-D sin-cos embedding, computed in double and stored as float: the first D/2
 * channels encode the column, the last D/2 the row; each half is [sin, cos].
 */
public final class PositionalEmbedding {
    private PositionalEmbedding() {
    }

    public static float[][] sinCos2d(int dim, int grid) {
        int quarter = dim / 4;
        float[][] out = new float[grid * grid][dim];
        for (int i = 0; i < grid; i++) {
            for (int j = 0; j < grid; j++) {
                float[] row = out[i * grid + j];
                for (int d = 0; d < quarter; d++) {
                    double omega = 1.0 / Math.pow(10000, d / (double) quarter);
                    row[d] = (float) Math.sin(j * omega);
                    row[quarter + d] = (float) Math.cos(j * omega);
                    row[2 * quarter + d] = (float) Math.sin(i * omega);
                    row[3 * quarter + d] = (float) Math.cos(i * omega);
                }
            }
        }
        return out;
    }

    public static Initializer initializer(int dim, int grid) {
        return (p, rng) -> p.value().assign(Nd4j.create(sinCos2d(dim, grid)).reshape(p.shape).castTo(p.value().dataType()));
    }
}
