package org.lit.core.diffusion;

import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Min-SNR-5 against tools/reference/make_min_snr_fixtures.py (float64 autograd), within 1e-9 relative. */
class MseWeightingTest {
    private static final double TOLERANCE = 1e-9;
    private static final Map<String, INDArray> F = TensorFiles.read(Fixtures.file("min_snr.npz"));
    private static final int[] T = F.get("t").castTo(DataType.INT).toIntVector();
    private static final MseWeighting MIN_SNR_5 = new MseWeighting(F.get("gamma").getDouble(0));

    private static void close(INDArray actual, String key) {
        double err = Fixtures.relativeError(actual, F.get(key));
        assertTrue(err < TOLERANCE, key + " off by " + err);
    }

    private static TrainingLoss.Terms terms(MseWeighting w) {
        return TrainingLoss.compute(GaussianDiffusion.training(), F.get("out"), F.get("x0"), F.get("xt"), T, F.get("noise"), w);
    }

    @Test
    void weightsCapTheNearlyCleanTimestepsOnly() {
        GaussianDiffusion d = GaussianDiffusion.training();
        double[] w = new double[T.length];
        for (int i = 0; i < T.length; i++) w[i] = MIN_SNR_5.at(d, T[i]);
        close(Nd4j.createFromArray(w), "weight");
        assertEquals(1.0, w[4], 0.0, "t = 130 has SNR below 5: weight 1");
        assertTrue(w[3] < 1 && w[0] < 1e-3, "t = 119 and t = 0 have SNR above 5");
        for (int t : T) assertEquals(1.0, MseWeighting.UNIFORM.at(d, t), 0.0);
    }

    @Test
    void weightedTermsAndGradientMatchTheReference() {
        TrainingLoss.Terms terms = terms(MIN_SNR_5);
        close(Nd4j.createFromArray(terms.mse()), "mse");
        close(Nd4j.createFromArray(terms.vb()), "vb");
        close(Nd4j.createFromArray(terms.loss()), "loss");
        close(terms.gradOutput(), "grad_out");
    }

    @Test
    void theWeightScalesTheMseAndLeavesTheVariancesTermAlone() {
        TrainingLoss.Terms uniform = terms(MseWeighting.UNIFORM), weighted = terms(MIN_SNR_5);
        GaussianDiffusion d = GaussianDiffusion.training();
        for (int i = 0; i < T.length; i++) {
            assertEquals(uniform.mse()[i] * MIN_SNR_5.at(d, T[i]), weighted.mse()[i], 1e-12 * uniform.mse()[i]);
            assertEquals(uniform.vb()[i], weighted.vb()[i], 0.0);
        }
        long c = F.get("x0").size(1);
        INDArray vGrad = weighted.gradOutput().get(NDArrayIndex.all(), NDArrayIndex.interval(c, 2 * c));
        INDArray vGradUniform = uniform.gradOutput().get(NDArrayIndex.all(), NDArrayIndex.interval(c, 2 * c));
        assertEquals(vGradUniform, vGrad);
    }

    @Test
    void gammaMustBeAFiniteNonNegativeNumber() {
        assertThrows(IllegalArgumentException.class, () -> new MseWeighting(-1));
        assertThrows(IllegalArgumentException.class, () -> new MseWeighting(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new MseWeighting(Double.POSITIVE_INFINITY));
    }
}
