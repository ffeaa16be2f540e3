package org.lit.eval.features;

import org.apache.spark.api.java.JavaSparkContext;
import org.lit.core.io.DTypes;
import org.lit.eval.metrics.FidStatistics;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The features of a set of images, row by row in the images' order: pool_3 (N, 2048), spatial
 * (N, 2023), logits (N, 1008), float32: the parts of a feature job, or an .npz holding them.
 */
public interface FeatureArrays {
    String POOL3 = "pool_3";
    String SPATIAL = "spatial";
    String LOGITS = "logits";

    long rows();

    /** The array's rows in order, a block at a time. */
    void each(String array, Consumer<INDArray> sink) throws IOException;

    /** FID's and sFID's statistics of the set (the parts' on the cluster, merged in double). */
    FidStatistics statistics(JavaSparkContext sc) throws IOException;

    /** CRC-32 of an array's .npy data (little-endian, C order): what a STORED npz member of it checks. */
    static long crc(INDArray a) {
        CRC32 crc = new CRC32();
        crc.update(DTypes.encode(a));
        return crc.getValue();
    }
}
