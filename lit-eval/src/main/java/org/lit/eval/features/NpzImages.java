package org.lit.eval.features;

import org.lit.core.io.Npy;
import org.lit.core.io.NpzReader;
import org.lit.data.HadoopFiles;
import org.lit.data.SkippedFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** ADM's image batch: arr_0, uint8 (N, H, W, 3), streamed from any Hadoop URI. */
public record NpzImages(String uri, long count, String identity) implements ImageSource {
    public static final String ARRAY = "arr_0";

    /** Checks the array's type and shape from its header, reading nothing else. */
    public static NpzImages of(String uri) {
        try (NpzReader npz = NpzReader.open(HadoopFiles.source(uri))) {
            Npy.Header h = npz.header(ARRAY);
            long[] s = h.shape();
            if (h.type() != DataType.UBYTE || s.length != 4 || s[3] != 3) {
                throw new IllegalArgumentException(uri + ": arr_0 must be uint8 (N, H, W, 3) images, found " + h.type() + " " + Arrays.toString(s));
            }
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
            org.apache.hadoop.fs.FileStatus st = HadoopFiles.fileSystem(p, new org.apache.hadoop.conf.Configuration()).getFileStatus(p);
            return new NpzImages(uri, s[0], uri + ": " + s[0] + " images, " + st.getLen() + " bytes, modified " + java.time.Instant.ofEpochMilli(st.getModificationTime()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return uri;
    }

    @Override
    public void read(long from, long to, int batch, Consumer<INDArray> sink, List<SkippedFile> skipped) throws IOException {
        try (NpzReader npz = NpzReader.open(HadoopFiles.source(uri)); NpzReader.Rows rows = npz.rows(ARRAY, batch, from, to)) {
            for (INDArray b; (b = rows.next()) != null; ) sink.accept(b);
        }
    }
}
