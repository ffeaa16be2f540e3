package org.lit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.config.ModelConfigs;
import org.lit.core.config.Configs;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.data.SyntheticShapes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `lit doctor` on a good config and on each mistake it must name: a missing data path, an unwritable run directory, a typo, too few slots. */
class DoctorCommandTest {
    @TempDir
    Path dir;

    /** A pixel-space run the size of the demo's, on 16 synthetic images. */
    private Path config(String dataPath, String extra) throws IOException {
        Path conf = dir.resolve("run.conf");
        Files.writeString(conf, """
                model { name = "LiT-S/4", input-size = 32, in-channels = 3, hidden-size = 64, depth = 2, num-heads = 4, num-classes = 4, attention.heads = 2 }
                train { global-batch = 8, micro-batch = 8, keep-checkpoints = 2 }
                data { path = "%s", image-size = 32 }
                %s
                """.formatted(dataPath, extra));
        return conf;
    }

    private Path images() {
        SyntheticShapes.write(dir.resolve("data"), 4, 32, 0);
        return dir.resolve("data/train");
    }

    /** check name -> its line, in order; the verdict is the last line. */
    private static Map<String, String> lines(LitRun run) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String line : run.out().strip().split("\n")) {
            if (line.startsWith("lit doctor:")) continue;
            byName.put(line.substring(6, 26).strip(), line);
        }
        return byName;
    }

    private static String status(Map<String, String> lines, String check) {
        assertTrue(lines.containsKey(check), check + " missing: " + lines.keySet());
        return lines.get(check).substring(0, 4).strip();
    }

    private static String verdict(LitRun run) {
        String[] all = run.out().strip().split("\n");
        return all[all.length - 1];
    }

    private static List<Path> listing(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aGoodConfigPassesEveryCheckAndTouchesNothing() throws IOException {
        Path conf = config(images().toString(), "");
        Path run = Files.createDirectories(dir.resolve("runs/demo"));
        Files.writeString(run.resolve("metrics.jsonl"), "{}\n");
        List<Path> before = listing(dir);

        LitRun doctor = LitRun.of("doctor", "-c", conf.toString(), "--run", run.toString(), "--master", "local[1]");
        assertEquals(0, doctor.code(), doctor.out() + doctor.err());
        Map<String, String> lines = lines(doctor);
        assertEquals(List.of("backend", "devices", "blas", "threads", "omp-wait-policy", "gpu", "memory", "config", "spark-master", "data.path",
                "training-data", "run-dir", "disk"), List.copyOf(lines.keySet()));
        for (String check : List.of("backend", "devices", "blas", "threads", "config", "spark-master", "data.path", "training-data", "run-dir", "disk")) {
            assertEquals("OK", status(lines, check), lines.get(check));
        }
        assertTrue(List.of("OK", "WARN").contains(status(lines, "omp-wait-policy")), lines.get("omp-wait-policy"));
        assertTrue(List.of("OK", "WARN").contains(status(lines, "memory")), lines.get("memory"));
        assertEquals("SKIP", status(lines, "gpu"), lines.get("gpu"));        // the CPU backend
        assertTrue(lines.get("backend").contains("CPU (CpuBackend)"), lines.get("backend"));
        assertTrue(lines.get("spark-master").contains("local[1] (embedded): 1 worker"), lines.get("spark-master"));

        long parameters = DiffusionTransformer.info(ModelConfigs.fromConfig(Configs.load(conf, List.of()))).parameters();
        assertTrue(lines.get("config").contains(String.format(java.util.Locale.ROOT, "LiT-S/4 (%,d parameters)", parameters)), lines.get("config"));
        // 16 bytes a parameter (model, EMA, two AdamW moments in float32); keep-checkpoints 2 + the one being written
        String checkpoint = String.format(java.util.Locale.ROOT, "takes %.1f MB, lit train holds 3", 16.0 * parameters / (1 << 20));
        assertTrue(lines.get("disk").contains(checkpoint), lines.get("disk") + " lacks " + checkpoint);
        assertTrue(lines.get("run-dir").endsWith(run.toUri().getPath().replaceAll("/$", "") + " is writable"), lines.get("run-dir"));
        assertTrue(verdict(doctor).startsWith("lit doctor: nothing found"), verdict(doctor));
        assertEquals(before, listing(dir));   // the probe file is gone, nothing made, nothing changed
        assertEquals("{}\n", Files.readString(run.resolve("metrics.jsonl")));
    }

    @Test
    void aMissingDataPathFailsNamingTheKeyAndTheUri() throws IOException {
        Path missing = dir.resolve("no-such-folder");
        LitRun doctor = LitRun.of("doctor", "-c", config(missing.toString(), "").toString(), "--master", "local[1]");
        assertEquals(1, doctor.code(), doctor.out());
        Map<String, String> lines = lines(doctor);
        assertEquals("FAIL", status(lines, "data.path"));
        assertTrue(lines.get("data.path").contains("data.path = \"" + missing + "\": not found (file:" + missing + ")"), lines.get("data.path"));
        assertEquals("SKIP", status(lines, "training-data"));
        assertEquals("SKIP", status(lines, "run-dir"));          // no --run
        assertEquals("lit doctor: FAILED data.path", verdict(doctor).replaceAll(" \\(.*", ""));
    }

    @Test
    void aRunDirectoryUnderARegularFileFails() throws IOException {
        Path file = dir.resolve("plain.txt");
        Files.writeString(file, "not a folder");
        LitRun doctor = LitRun.of("doctor", "-c", config(images().toString(), "").toString(), "--run", file.resolve("run").toString(),
                "--master", "local[1]");
        assertEquals(1, doctor.code(), doctor.out());
        Map<String, String> lines = lines(doctor);
        assertEquals("FAIL", status(lines, "run-dir"));
        assertTrue(lines.get("run-dir").contains("file:" + file + " is a file, so the run directory " + file.resolve("run") + " cannot be made"),
                lines.get("run-dir"));
        assertEquals("lit doctor: FAILED run-dir", verdict(doctor).replaceAll(" \\(.*", ""));
        assertEquals("not a folder", Files.readString(file));
    }

    @Test
    void aConfigTypoFailsNamingTheKey() throws IOException {
        LitRun doctor = LitRun.of("doctor", "-c", config(images().toString(), "train { stpes = 10 }").toString(), "--master", "local[1]");
        assertEquals(1, doctor.code(), doctor.out());
        Map<String, String> lines = lines(doctor);
        assertEquals("FAIL", status(lines, "config"));
        assertTrue(lines.get("config").contains("unknown key 'train.stpes'; allowed keys of train:"), lines.get("config"));
        assertFalse(lines.containsKey("data.path"), "URIs of a config that did not load are not checked");
        assertEquals("SKIP", status(lines, "training-data"));
        assertEquals("lit doctor: FAILED config", verdict(doctor).replaceAll(" \\(.*", ""));
    }

    @Test
    void moreWorkersThanTheEmbeddedMasterHasSlotsFails() throws IOException {
        LitRun doctor = LitRun.of("doctor", "-c", config(images().toString(), "train.workers = 2").toString(), "--master", "local[1]");
        assertEquals(1, doctor.code(), doctor.out());
        String line = lines(doctor).get("spark-master");
        assertTrue(line.startsWith("FAIL") && line.contains("train.workers = 2 needs 2 task slots, but local[1] has 1"), line);
        assertEquals("lit doctor: FAILED spark-master", verdict(doctor).replaceAll(" \\(.*", ""));
    }
}
