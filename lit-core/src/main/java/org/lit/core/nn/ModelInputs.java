package org.lit.core.nn;

import org.lit.core.config.ModelConfig;
import org.lit.core.diffusion.IndexedDraws;
import org.lit.core.io.TensorFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** What the network runs on: x (N, C, H, W), original timesteps t and labels y (lit predict's inputs, layer analysis's). */
public record ModelInputs(INDArray x, int[] t, int[] y) {
    public ModelInputs {
        if (t.length != x.size(0) || y.length != x.size(0)) {
            throw new IllegalArgumentException("inputs: x has " + x.size(0) + " rows, t " + t.length + ", y " + y.length);
        }
    }

    /** x, t, y from an .npz, as `lit predict` reads them. */
    public static ModelInputs read(Path npz) {
        Map<String, INDArray> in = TensorFiles.read(npz);
        for (String k : new String[] {"x", "t", "y"}) {
            if (!in.containsKey(k)) throw new IllegalArgumentException(npz + ": missing array '" + k + "' (has " + in.keySet() + ")");
        }
        INDArray x = in.get("x");
        if (x.rank() != 4) throw new IllegalArgumentException(npz + ": x must be (N, C, H, W), got " + Arrays.toString(x.shape()));
        return new ModelInputs(x.castTo(DataType.FLOAT), in.get("t").castTo(DataType.INT).toIntVector(), in.get("y").castTo(DataType.INT).toIntVector());
    }

    /**
     * n draws from the seed: sample i's noise and class as a sample set's sample i ({@link
     * IndexedDraws}), and timesteps spread evenly over 0..999 (round(i * 999 / (n - 1))).
     */
    public static ModelInputs drawn(int n, long seed, ModelConfig c) {
        if (n < 1) throw new IllegalArgumentException("--num must be at least 1, got " + n);
        IndexedDraws draws = new IndexedDraws(seed, c.numClasses());
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = n == 1 ? 500 : (int) Math.round(i * 999.0 / (n - 1));
        return new ModelInputs(draws.startNoise(0, n, c), t, draws.labels(0, n));
    }

    public int size() {
        return t.length;
    }

    /** Rows from .. to - 1. */
    public ModelInputs rows(int from, int to) {
        INDArray part = x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup();
        return new ModelInputs(part, Arrays.copyOfRange(t, from, to), Arrays.copyOfRange(y, from, to));
    }
}
