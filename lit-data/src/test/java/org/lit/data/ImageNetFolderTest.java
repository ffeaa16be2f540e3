package org.lit.data;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listing order, labels and errors of ImageNetFolder, and ImageLoader's crops, on a local folder and on a real (mini) HDFS. */
class ImageNetFolderTest {
    /** relative path -> fixture it holds; classes are deliberately created out of order, with mixed-case extensions and non-images. */
    private static final Map<String, String> TREE = Map.of(
            "n02/b.PNG", "coffee-40x28.png",
            "n02/a.jpeg", "rocket-baseline.jpg",
            "n01/z.Jpg", "rocket-progressive.JPEG",
            "n01/c.png", "chelsea-97x131.png",
            "n01/notes.txt", "coffee-40x28.png",
            "n01/sub/d.bmp", "rocket-45x33.bmp",
            "n01/bad.jpg", "truncated.jpg",
            "n10/x.png", "astronaut-rgba-77x66.png");
    private static final List<String> ORDER = List.of("n01/bad.jpg", "n01/c.png", "n01/z.Jpg", "n01/sub/d.bmp", "n02/a.jpeg", "n02/b.PNG", "n10/x.png");
    private static final int[] LABELS = {0, 0, 0, 0, 1, 1, 2};

    @TempDir
    static java.nio.file.Path tmp;
    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() throws IOException {
        hdfs = new MiniHdfs(tmp.resolve("hdfs"));
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) hdfs.close();
    }

    @Test
    void localFolderListsInImageFolderOrderAsPathOrFileUri() throws IOException {
        java.nio.file.Path root = tmp.resolve("local");
        for (Map.Entry<String, String> e : TREE.entrySet()) {
            Files.createDirectories(root.resolve(e.getKey()).getParent());
            Files.write(root.resolve(e.getKey()), ImageFixtures.bytes(e.getValue()));
        }
        Files.createDirectories(root.resolve("n01/.hidden-dir-is-walked-but-empty"));
        for (String uri : new String[] {root.toString(), root.toUri().toString()}) {
            ImageNetFolder listing = ImageNetFolder.list(uri);
            assertListing(listing, "file:" + root.toAbsolutePath());
            checkCrops(listing, new ImageLoader(32));
        }
    }

    @Test
    void hdfsFolderListsTheSameAndLoadsThroughHdfs() throws Exception {
        FileSystem fs = hdfs.fs();
        Path root = new Path("/imagenet/train");
        for (Map.Entry<String, String> e : TREE.entrySet()) {
            try (FSDataOutputStream out = fs.create(new Path(root, e.getKey()))) {
                out.write(ImageFixtures.bytes(e.getValue()));
            }
        }
        String uri = fs.getUri() + "/imagenet/train";
        assertTrue(uri.startsWith("hdfs://"), uri);
        ImageNetFolder listing = ImageNetFolder.list(uri, hdfs.conf());
        assertListing(listing, uri);
        checkCrops(listing, new ImageLoader(32, hdfs.conf()));

        // what Spark does with it: a serialised copy lists the same
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(buf)) {
            o.writeObject(listing);
            o.writeObject(new ImageLoader(48));
        }
        try (ObjectInputStream in = new ObjectInputStream(new java.io.ByteArrayInputStream(buf.toByteArray()))) {
            ImageNetFolder copy = (ImageNetFolder) in.readObject();
            assertEquals(listing.entries(), copy.entries());
            assertEquals(48, ((ImageLoader) in.readObject()).size());
        }

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ImageNetFolder.list(uri + "-nope", hdfs.conf()));
        assertTrue(missing.getMessage().contains(uri + "-nope"), missing.getMessage());
        fs.mkdirs(new Path("/flat"));
        fs.create(new Path("/flat/a.png")).close();
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class, () -> ImageNetFolder.list(fs.getUri() + "/flat", hdfs.conf()));
        assertTrue(flat.getMessage().startsWith("no class folders in " + fs.getUri() + "/flat"), flat.getMessage());
        fs.mkdirs(new Path("/sparse/n01"));
        fs.mkdirs(new Path("/sparse/n02"));
        fs.create(new Path("/sparse/n01/a.txt")).close();
        fs.create(new Path("/sparse/n02/a.jpg")).close();
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> ImageNetFolder.list(fs.getUri() + "/sparse", hdfs.conf()));
        assertTrue(empty.getMessage().contains("/sparse: n01"), empty.getMessage());
    }

    /** The fingerprint tells a folder from itself re-written: a file's size or date changes it, a second listing does not. */
    @Test
    void theFingerprintFollowsTheFilesSizesAndDates() throws IOException {
        java.nio.file.Path root = tmp.resolve("fingerprint");
        Files.createDirectories(root.resolve("n01"));
        Files.write(root.resolve("n01/a.png"), ImageFixtures.bytes("coffee-40x28.png"));
        Files.write(root.resolve("n01/b.png"), ImageFixtures.bytes("chelsea-97x131.png"));
        long first = ImageNetFolder.list(root.toString()).fingerprint();
        assertEquals(first, ImageNetFolder.list(root.toString()).fingerprint());
        Files.write(root.resolve("n01/b.png"), ImageFixtures.bytes("coffee-40x28.png"));                 // same name, other image
        long rewritten = ImageNetFolder.list(root.toString()).fingerprint();
        assertFalse(first == rewritten);
        Files.setLastModifiedTime(root.resolve("n01/b.png"), java.nio.file.attribute.FileTime.fromMillis(86_400_000L));
        assertFalse(rewritten == ImageNetFolder.list(root.toString()).fingerprint(), "a date alone changes it");
    }

    @Test
    void extensionsAreTorchvisionsInAnyCase() {
        for (String ok : new String[] {"a.JPEG", "b.jpg", "c.Png", "d.webp", "e.TIFF", "f.pgm"}) assertTrue(ImageNetFolder.isImage(ok), ok);
        for (String no : new String[] {"a.gif", "b.txt", "jpg", "c.jpg.bak"}) assertFalse(ImageNetFolder.isImage(no), no);
    }

    private static void assertListing(ImageNetFolder listing, String root) {
        assertEquals(List.of("n01", "n02", "n10"), listing.classes());
        assertEquals(ORDER.size(), listing.size());
        for (int i = 0; i < ORDER.size(); i++) {
            assertEquals(root + "/" + ORDER.get(i), listing.entries().get(i).path());
            assertEquals(LABELS[i], listing.entries().get(i).label(), ORDER.get(i));
        }
    }

    /** Every entry's crop equals PIL's, except the truncated JPEG, refused naming its path. */
    private static void checkCrops(ImageNetFolder listing, ImageLoader loader) throws IOException {
        for (ImageNetFolder.Entry e : listing.entries()) {
            String fixture = TREE.get(e.path().substring(e.path().indexOf(e.label() == 2 ? "n10/" : e.label() == 1 ? "n02/" : "n01/")));
            if (fixture.equals("truncated.jpg")) {
                BadImageException bad = assertThrows(BadImageException.class, () -> loader.crop(e));
                assertEquals(new SkippedFile(e.path(), "truncated JPEG (no EOI marker)"), bad.skipped());
                continue;
            }
            try {
                byte[] crop = loader.crop(e);
                double[] c = ImageFixtures.compare(crop, ImageFixtures.pilCrop(fixture, 32));
                assertArrayEquals(new double[] {1, 0}, new double[] {c[0], c[1]}, e.path());
            } catch (BadImageException bad) {
                throw new AssertionError(bad);
            }
        }
    }
}
