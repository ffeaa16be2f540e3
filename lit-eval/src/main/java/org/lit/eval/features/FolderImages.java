package org.lit.eval.features;

import org.lit.core.io.DTypes;
import org.lit.data.BadImageException;
import org.lit.data.ImageLoader;
import org.lit.data.ImageNetFolder;
import org.lit.data.SkippedFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * An image folder (ImageNet's layout, any Hadoop URI) as ADM's reference batches were made from
 * ImageNet: decoded as PIL does, ADM's centre crop at the resolution; bad files skipped.
 */
public record FolderImages(List<ImageNetFolder.Entry> entries, int resolution, long fingerprint) implements ImageSource {
    private static final Logger LOG = LoggerFactory.getLogger(FolderImages.class);

    public static FolderImages of(String uri, int resolution) {
        ImageNetFolder folder = ImageNetFolder.list(uri);
        if (folder.size() == 0) throw new IllegalArgumentException(uri + ": no images (expected <class>/<image> files)");
        return new FolderImages(List.copyOf(folder.entries()), resolution, folder.fingerprint());
    }

    @Override
    public long count() {
        return entries.size();
    }

    @Override
    public String name() {
        return entries.isEmpty() ? "(empty folder)" : entries.get(0).path().replaceAll("/[^/]+/[^/]+$", "");
    }

    /** The listing (its files' paths, sizes and dates: ImageNetFolder.fingerprint) and the crop size. */
    @Override
    public String identity() {
        return name() + ": " + entries.size() + " files at " + resolution + "px, listing " + Long.toHexString(fingerprint);
    }

    @Override
    public void read(long from, long to, int batch, Consumer<INDArray> sink, List<SkippedFile> skipped) throws IOException {
        ImageLoader loader = new ImageLoader(resolution);
        int image = resolution * resolution * 3;
        ByteBuffer block = ByteBuffer.allocate(batch * image);
        for (long i = from; i < to; i++) {
            try {
                block.put(loader.crop(entries.get((int) i)));
            } catch (BadImageException bad) {
                LOG.warn("skipped {}", bad.skipped());
                skipped.add(bad.skipped());
            }
            if (block.position() == block.capacity() || (i == to - 1 && block.position() > 0)) {
                int k = block.position() / image;
                sink.accept(DTypes.decode(block.flip(), DataType.UBYTE, new long[] {k, resolution, resolution, 3}));
                block.clear();
            }
        }
    }
}
