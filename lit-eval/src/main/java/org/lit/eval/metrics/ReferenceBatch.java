package org.lit.eval.metrics;

import org.lit.core.io.NpzReader;
import org.lit.core.io.TensorFileException;
import org.lit.data.HadoopFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * ADM's read_statistics for a batch .npz: when the file has an array named {@code mu}, FID and sFID use
 * its {@code mu, sigma, mu_s, sigma_s} (ADM's reference batches carry statistics "pre-computed over the
 * whole dataset", and their 10,000 images then serve precision/recall only); otherwise the statistics of
 * the batch's own activations. Read by positioned reads from any Hadoop URI: only those four members
 * are read, never the images in arr_0.
 */
public final class ReferenceBatch {
    private ReferenceBatch() {
    }

    /** Whether the npz carries its own statistics (an array named mu). */
    public static boolean hasStatistics(String uri) {
        try (NpzReader npz = NpzReader.open(HadoopFiles.source(uri))) {
            return npz.has("mu");
        } catch (IOException e) {
            throw new TensorFileException(uri, "not a readable .npz: " + e.getMessage(), e);
        }
    }

    public static FidStatistics readStatistics(String uri, Supplier<FidStatistics> fromActivations) {
        try (NpzReader npz = NpzReader.open(HadoopFiles.source(uri))) {
            if (!npz.has("mu")) return fromActivations.get();
            return new FidStatistics(gaussian(npz, uri, "mu", "sigma"), gaussian(npz, uri, "mu_s", "sigma_s"));
        } catch (IOException e) {
            throw new TensorFileException(uri, "not a readable .npz: " + e.getMessage(), e);
        }
    }

    private static Gaussian gaussian(NpzReader npz, String uri, String meanKey, String covarianceKey) {
        INDArray mean = member(npz, uri, meanKey);
        INDArray covariance = member(npz, uri, covarianceKey);
        long d = mean.length();
        if (mean.rank() != 1 || covariance.rank() != 2 || covariance.size(0) != d || covariance.size(1) != d) {
            throw new TensorFileException(uri, "'" + meanKey + "' " + Arrays.toString(mean.shape()) + " and '" + covarianceKey + "' "
                    + Arrays.toString(covariance.shape()) + " are not a mean (d,) and a covariance (d, d)");
        }
        return new Gaussian(doubles(mean), doubles(covariance));
    }

    private static INDArray member(NpzReader npz, String uri, String key) {
        if (!npz.has(key)) throw new TensorFileException(uri, "has 'mu' but no '" + key + "' (a statistics npz needs mu, sigma, mu_s, sigma_s)");
        return npz.read(key);
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
}
