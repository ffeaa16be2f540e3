package org.lit.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pixel-space training set of the demo trainer: torchvision's ImageFolder over
 * {@link ImageNetFolder}'s listing, each image decoded and ADM-centre-cropped to size x size by
 * {@link ImageLoader} at construction (an image already of that size is itself). Decoding
 * everything up front finds a corrupt file before step 1: it is skipped with one WARN line and
 * listed in {@link #skipped()}, rather than crashing the run when the sampler first meets it.
 * The crops stay in memory (size^2 x 3 bytes each): meant for small sets; ImageNet goes through
 * latent shards.
 */
public final class ImageFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

    private final List<byte[]> crops = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final List<String> classes;
    private final List<SkippedFile> skipped = new ArrayList<>();
    private final int size;

    public ImageFolder(Path root, int size) {
        this.size = size;
        ImageNetFolder listing = ImageNetFolder.list(root.toString());
        classes = listing.classes();
        ImageLoader loader = new ImageLoader(size);
        for (ImageNetFolder.Entry e : listing.entries()) {
            try {
                crops.add(loader.crop(e));
                labels.add(e.label());
            } catch (BadImageException bad) {
                LOG.warn("skipping {}", bad.getMessage());
                skipped.add(bad.skipped());
            } catch (IOException io) {
                throw new UncheckedIOException("cannot read " + e.path() + ": " + io.getMessage(), io);
            }
        }
        if (crops.isEmpty()) throw new IllegalArgumentException("no readable images under " + root + " (" + skipped.size() + " skipped: " + skipped.get(0) + ")");
    }

    /** Number of usable images (skipped files not counted). */
    public int size() {
        return crops.size();
    }

    public List<String> classes() {
        return classes;
    }

    public int label(int index) {
        return labels.get(index);
    }

    /** Files passed over at construction, with the reason. */
    public List<SkippedFile> skipped() {
        return List.copyOf(skipped);
    }

    /** Image index as float CHW in [-1, 1], optionally flipped left-right. */
    public float[] image(int index, boolean flip) {
        return CenterCrop.toChw(crops.get(index), size, flip);
    }
}
