package org.lit.cli;

import org.apache.hadoop.conf.Configuration;
import org.lit.core.Durations;
import org.lit.data.BadImageException;
import org.lit.data.ImageBatchNpz;
import org.lit.data.ImageLoader;
import org.lit.data.ImageNetFolder;
import org.lit.data.SkippedFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * lit preprocess: an ImageNet-style folder through ADM's centre crop into one ADM batch .npz
 * (arr_0 uint8 N x R x R x 3, labels int64), in ImageFolder's order. Files are decoded on
 * --threads threads and written in order; bad files are printed with the reason and skipped.
 */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = "Centre-crop an ImageNet-style folder (ADM's center_crop_arr, as PIL) into an ADM .npz: arr_0 (N,R,R,3) uint8 and labels (N) int64.")
final class PreprocessCommand implements Runnable {
    @Mixin
    ImageFolderOptions folder;

    @Option(names = "--out", required = true, description = "the .npz to write: a local path or a Hadoop URI")
    String out;

    @Option(names = "--threads", description = "decoding threads (default: the machine's cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--progress-seconds", defaultValue = "5", description = "seconds between progress lines (default: ${DEFAULT-VALUE})")
    double progressSeconds;

    /** What one file gave: a crop, or why it was skipped. */
    private record Outcome(byte[] crop, SkippedFile skipped) {
    }

    @Override
    public void run() {
        if (folder.resolution < 1) throw new IllegalArgumentException("--resolution must be positive, got " + folder.resolution);
        if (threads < 1) throw new IllegalArgumentException("--threads must be positive, got " + threads);
        Configuration conf = new Configuration();
        ImageNetFolder listing;
        try {
            listing = ImageNetFolder.list(folder.images, conf);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        System.out.printf("%d images of %d classes in %s%n", listing.size(), listing.classes().size(), listing.root());
        ImageLoader loader = new ImageLoader(folder.resolution, conf);
        List<SkippedFile> skipped = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lit-preprocess");
            t.setDaemon(true);
            return t;
        });
        try (ImageBatchNpz batch = new ImageBatchNpz(folder.resolution)) {
            Progress progress = new Progress(listing.size(), (long) (progressSeconds * 1e9));
            ArrayDeque<Future<Outcome>> window = new ArrayDeque<>();
            int next = 0;
            for (int done = 0; done < listing.size(); done++) {
                // keep a few files per thread in flight; results are taken in listing order
                while (next < listing.size() && window.size() < 4 * threads) {
                    ImageNetFolder.Entry e = listing.entries().get(next++);
                    window.add(pool.submit(() -> load(loader, e)));
                }
                Outcome o = window.poll().get();
                if (o.skipped != null) {
                    skipped.add(o.skipped);
                    System.out.println("skipped " + o.skipped);
                } else {
                    batch.add(o.crop, listing.entries().get(done).label());
                }
                progress.update(done + 1, skipped.size());
            }
            batch.write(out, conf);
            System.out.printf("wrote %d images (%dx%d) of %d classes to %s; skipped %d of %d files%n", batch.count(), folder.resolution, folder.resolution,
                    listing.classes().size(), out, skipped.size(), listing.size());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + out + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A bad image, or a file that cannot be read, is skipped with its reason; the job goes on. */
    private static Outcome load(ImageLoader loader, ImageNetFolder.Entry e) {
        try {
            return new Outcome(loader.crop(e), null);
        } catch (BadImageException bad) {
            return new Outcome(null, bad.skipped());
        } catch (IOException io) {
            return new Outcome(null, new SkippedFile(e.path(), "cannot read: " + io.getMessage()));
        }
    }

    /** A progress line every few seconds: count, rate and time left. */
    private static final class Progress {
        private final int total;
        private final long everyNanos;
        private final long start = System.nanoTime();
        private long last = start;

        Progress(int total, long everyNanos) {
            this.total = total;
            this.everyNanos = everyNanos;
        }

        void update(int done, int skipped) {
            long now = System.nanoTime();
            if (now - last < everyNanos || done == total) return;
            last = now;
            double rate = done / ((now - start) / 1e9);
            System.out.printf("%d/%d images (%d skipped), %.1f images/s, ETA %s%n", done, total, skipped, rate, Durations.format((total - done) / rate));
        }
    }
}
