package org.lit.eval.features;

import org.lit.data.SkippedFile;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;

/**
 * Images a feature job reads, by position: ADM's arr_0 of an .npz, or an image folder's centre
 * crops. Serializable: a Spark task reads its own share.
 */
public interface ImageSource extends Serializable {
    /** Images listed (a folder's bad files, found only when read, are among them). */
    long count();

    /** What to call the source in logs and errors. */
    String name();

    /** What tells this set of images from another at the same place (sizes, dates): features made of another are stale. */
    String identity();

    /**
     * Images from .. to - 1, in order, as uint8 (k, H, W, 3) blocks of at most batch images; a file
     * that cannot be decoded is skipped (added to skipped), not fatal.
     */
    void read(long from, long to, int batch, Consumer<INDArray> sink, List<SkippedFile> skipped) throws IOException;
}
