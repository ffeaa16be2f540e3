package org.lit.data;

import org.apache.hadoop.conf.Configuration;
import org.lit.core.Seeds;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The file list of an ImageNet-style folder ROOT/&lt;class&gt;/&lt;files&gt; on any Hadoop FileSystem
 * (hdfs://, s3a://, file:, or a plain local path), in the order and with the labels of
 * torchvision's ImageFolder: classes are the sub-folders in sorted order (label = position), files
 * are those with an IMG_EXTENSIONS ending (any case), in sorted(os.walk(class)) order: each folder's
 * files by name, folders by path (nested folders are rare, but ImageFolder reads them). Listing
 * reads no file: one listStatus per folder. Serializable: Spark ships slices of it to executors.
 */
public final class ImageNetFolder implements Serializable {
    private static final long serialVersionUID = 1L;

    /** torchvision.datasets.folder.IMG_EXTENSIONS. */
    public static final List<String> IMG_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp");

    /** One image: its full path (a Hadoop URI string) and its class index. */
    public record Entry(String path, int label) implements Serializable {
    }

    private final String root;
    private final List<String> classes;
    private final List<Entry> entries;
    private final long fingerprint;

    private ImageNetFolder(String root, List<String> classes, List<Entry> entries, long fingerprint) {
        this.root = root;
        this.classes = List.copyOf(classes);
        this.entries = List.copyOf(entries);
        this.fingerprint = fingerprint;
    }

    /** Lists uri with the default Hadoop configuration (core-site.xml etc. on the classpath). */
    public static ImageNetFolder list(String uri) {
        return list(uri, new Configuration());
    }

    /**
     * Lists uri. Missing folder, no class folders, a class folder without images (torchvision's
     * ImageFolder refuses that too) or a listing failure: IllegalArgumentException naming the URI.
     */
    public static ImageNetFolder list(String uri, Configuration conf) {
        Path root = path(uri);
        try {
            FileSystem fs = root.getFileSystem(conf);
            FileStatus rootStatus;
            try {
                rootStatus = fs.getFileStatus(root);
            } catch (FileNotFoundException e) {
                throw new IllegalArgumentException("image folder not found: " + uri);
            }
            if (!rootStatus.isDirectory()) throw new IllegalArgumentException("not a folder: " + uri + " (expected ROOT/<class>/<images>)");
            List<FileStatus> classDirs = sorted(Arrays.stream(fs.listStatus(root)).filter(FileStatus::isDirectory).toList());
            if (classDirs.isEmpty()) throw new IllegalArgumentException("no class folders in " + uri + " (expected ROOT/<class>/<images>)");
            List<String> classes = new ArrayList<>();
            List<Entry> entries = new ArrayList<>();
            List<String> empty = new ArrayList<>();
            long fingerprint = 0;
            for (FileStatus dir : classDirs) {
                int label = classes.size();
                classes.add(dir.getPath().getName());
                int before = entries.size();
                for (FileStatus file : images(fs, dir.getPath())) {
                    entries.add(new Entry(file.getPath().toString(), label));
                    fingerprint = Seeds.mix(Seeds.mix(Seeds.mix(fingerprint, file.getPath().toString().hashCode()), file.getLen()), file.getModificationTime());
                }
                if (entries.size() == before) empty.add(dir.getPath().getName());
            }
            if (!empty.isEmpty()) {
                throw new IllegalArgumentException("no images (" + String.join(", ", IMG_EXTENSIONS) + ") in " + empty.size() + " class folder(s) of " + uri + ": "
                        + String.join(", ", empty.subList(0, Math.min(10, empty.size()))) + (empty.size() > 10 ? ", ..." : ""));
            }
            return new ImageNetFolder(rootStatus.getPath().toString(), classes, entries, fingerprint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + uri + ": " + e.getMessage(), e);
        }
    }

    /** A Hadoop path for uri; a plain path (no scheme) is a local file, whatever fs.defaultFS says. */
    static Path path(String uri) {
        URI u = new Path(uri).toUri();
        if (u.getScheme() == null) return new Path(java.nio.file.Path.of(uri).toAbsolutePath().normalize().toUri());
        return new Path(uri);
    }

    /**
     * The images under a class folder in sorted(os.walk(dir)) order: folders by path, files by name
     * within each. One listStatus per folder (one in all, without nested folders).
     */
    private static List<FileStatus> images(FileSystem fs, Path classDir) throws IOException {
        List<Path> folders = new ArrayList<>(List.of(classDir));
        Map<Path, List<FileStatus>> listings = new HashMap<>();
        for (int i = 0; i < folders.size(); i++) {
            List<FileStatus> children = sorted(Arrays.asList(fs.listStatus(folders.get(i))));
            listings.put(folders.get(i), children);
            for (FileStatus c : children) if (c.isDirectory()) folders.add(c.getPath());
        }
        folders.sort(Comparator.comparing(f -> f.toUri().getPath()));
        List<FileStatus> out = new ArrayList<>();
        for (Path folder : folders) {
            for (FileStatus f : listings.get(folder)) if (f.isFile() && isImage(f.getPath().getName())) out.add(f);
        }
        return out;
    }

    private static List<FileStatus> sorted(List<FileStatus> statuses) {
        return statuses.stream().sorted(Comparator.comparing(s -> s.getPath().getName())).toList();
    }

    /** torchvision's has_file_allowed_extension: the lower-cased name ends with one of IMG_EXTENSIONS. */
    public static boolean isImage(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return IMG_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    /** The folder listed, as a qualified URI. */
    public String root() {
        return root;
    }

    /** Class (sub-folder) names; a label is an index into this list. */
    public List<String> classes() {
        return classes;
    }

    /** Every image, classes in order, files sorted within each. */
    /**
     * A hash of every listed file's path, size and modification time, from the listing itself (no
     * file is read): what tells this set of images from another at the same place.
     */
    public long fingerprint() {
        return fingerprint;
    }

    public List<Entry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }
}
