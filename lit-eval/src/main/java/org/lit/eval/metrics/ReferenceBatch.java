package org.lit.eval.metrics;

import org.lit.core.io.Npy;
import org.lit.core.io.TensorFileException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * ADM's read_statistics for a batch .npz: when the file has an array named {@code mu}, FID and sFID use
 * its {@code mu, sigma, mu_s, sigma_s} (ADM's reference batches carry statistics "pre-computed over the
 * whole dataset", and their 10,000 images then serve precision/recall only); otherwise the statistics of
 * the batch's own activations. Only those four members are inflated, never the images in arr_0.
 */
public final class ReferenceBatch {
    private ReferenceBatch() {
    }

    public static FidStatistics readStatistics(Path npz, Supplier<FidStatistics> fromActivations) {
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            if (zip.getEntry("mu.npy") == null) return fromActivations.get();
            return new FidStatistics(gaussian(zip, npz, "mu", "sigma"), gaussian(zip, npz, "mu_s", "sigma_s"));
        } catch (IOException e) {
            throw new TensorFileException(npz.toString(), "not a readable .npz: " + e.getMessage(), e);
        }
    }

    private static Gaussian gaussian(ZipFile zip, Path npz, String meanKey, String covarianceKey) throws IOException {
        INDArray mean = member(zip, npz, meanKey);
        INDArray covariance = member(zip, npz, covarianceKey);
        long d = mean.length();
        if (mean.rank() != 1 || covariance.rank() != 2 || covariance.size(0) != d || covariance.size(1) != d) {
            throw new TensorFileException(npz.toString(), "'" + meanKey + "' " + Arrays.toString(mean.shape()) + " and '" + covarianceKey + "' "
                    + Arrays.toString(covariance.shape()) + " are not a mean (d,) and a covariance (d, d)");
        }
        return new Gaussian(doubles(mean), doubles(covariance));
    }

    private static INDArray member(ZipFile zip, Path npz, String key) throws IOException {
        ZipEntry entry = zip.getEntry(key + ".npy");
        if (entry == null) throw new TensorFileException(npz.toString(), "has 'mu' but no '" + key + "' (a statistics npz needs mu, sigma, mu_s, sigma_s)");
        try (InputStream in = zip.getInputStream(entry)) {
            return Npy.read(in.readAllBytes(), npz + "[" + key + "]");
        }
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
}
