package org.lit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.io.Npz;
import org.lit.data.ImageFixtures;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lit preprocess: an image folder to ADM's npz, byte for byte PIL's crops, bad files reported. */
class PreprocessCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesPilsCropsInImageFolderOrderAndReportsBadFiles() throws Exception {
        // class folder -> files (written out of order; the command sorts)
        Map<String, List<String>> tree = Map.of(
                "n02-b", List.of("coffee-40x28.png", "chelsea-97x131.png", "random-bytes.JPEG"),
                "n01-a", List.of("noise-67x45.png", "astronaut-301x203.png", "truncated.jpg", "rocket-baseline.jpg"));
        for (Map.Entry<String, List<String>> e : tree.entrySet()) {
            Files.createDirectories(dir.resolve("train").resolve(e.getKey()));
            for (String f : e.getValue()) Files.write(dir.resolve("train").resolve(e.getKey()).resolve(f), ImageFixtures.bytes(f));
        }
        List<String> expected = List.of("astronaut-301x203.png", "noise-67x45.png", "rocket-baseline.jpg", "chelsea-97x131.png", "coffee-40x28.png");
        long[] labels = {0, 0, 0, 1, 1};
        Path out = dir.resolve("out/imagenet48.npz");
        Files.createDirectories(out.getParent());

        LitRun run = LitRun.of("preprocess", "--images", dir.resolve("train").toString(), "--resolution", "48", "--out", out.toUri().toString(),
                "--threads", "2", "--progress-seconds", "0");
        String stdout = run.out();
        System.out.print(stdout);
        assertEquals(0, run.code());
        assertTrue(stdout.contains("skipped file:" + dir.resolve("train/n01-a/truncated.jpg") + ": truncated JPEG (no EOI marker)"), stdout);
        assertTrue(stdout.contains("n02-b/random-bytes.JPEG: not an image"), stdout);
        assertTrue(stdout.contains("wrote 5 images (48x48) of 2 classes to " + out.toUri() + "; skipped 2 of 7 files"), stdout);
        assertTrue(stdout.matches("(?s).*\\d+/7 images \\(\\d skipped\\), [0-9.]+ images/s, ETA \\d+m\\d\\ds.*"), "progress lines: " + stdout);
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "only the npz: no partial or checksum files left");
        }

        Map<String, INDArray> npz = Npz.read(Files.readAllBytes(out), out.toString());
        assertEquals(List.of("arr_0", "labels"), List.copyOf(npz.keySet()));
        INDArray arr = npz.get("arr_0");
        assertArrayEquals(new long[] {5, 48, 48, 3}, arr.shape());
        assertEquals(org.nd4j.linalg.api.buffer.DataType.UBYTE, arr.dataType());
        assertArrayEquals(labels, npz.get("labels").toLongVector());
        byte[] all = ImageFixtures.uint8(arr);
        int n = 48 * 48 * 3;
        for (int i = 0; i < expected.size(); i++) {
            byte[] mine = Arrays.copyOfRange(all, i * n, (i + 1) * n);
            double[] c = ImageFixtures.compare(mine, ImageFixtures.pilCrop(expected.get(i), 48));
            System.out.printf("preprocess %-24s %.4f equal, max diff %.0f%n", expected.get(i), c[0], c[1]);
            assertEquals(1.0, c[0], expected.get(i) + " differs from PIL's crop");
        }
    }

    @Test
    void missingFolderIsOneClearError() {
        LitRun run = LitRun.of("preprocess", "--images", dir.resolve("nope").toString(), "--resolution", "32", "--out", dir.resolve("x.npz").toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("image folder not found: " + dir.resolve("nope")), run.err());
        assertFalse(Files.exists(dir.resolve("x.npz")));
    }
}
