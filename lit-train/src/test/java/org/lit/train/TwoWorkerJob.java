package org.lit.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.lit.data.SyntheticShapes;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny two-worker training job through tools/cluster/standalone.sh (after `package`), checked to
 * end with rank 0's COMPLETE checkpoint of world size 2 and one executor on each worker; the cluster
 * ITs of lit-train (lit.jar) and lit-spark (a distribution and lit-spark.jar) share it.
 */
public final class TwoWorkerJob {
    public static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final List<String> TINY = List.of("--set", "model.name=LiT-S/8", "--set", "model.input-size=32", "--set", "model.in-channels=3",
            "--set", "model.hidden-size=64", "--set", "model.depth=2", "--set", "model.num-classes=4", "--set", "train.sample-steps=2");

    private TwoWorkerJob() {
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Runs the job with standalone.sh's options (before `--`); returns each worker's one executor folder. */
    public static List<Path> run(Path dir, List<String> scriptOptions) throws Exception {
        Path data = dir.resolve("data"), run = dir.resolve("run"), logs = dir.resolve("logs"), out = dir.resolve("out.txt");
        SyntheticShapes.write(data, 4, 32, 0);
        List<String> command = concat(concat(List.of("bash", ROOT.resolve("tools/cluster/standalone.sh").toString(), "--workers", "2",
                "--executor-memory", "2g"), scriptOptions), concat(List.of("--", "train", "--run", run.toString(), "--set", "data.path=" + data.resolve("train"),
                "--set", "train.workers=2", "--set", "train.global-batch=8", "--set", "train.micro-batch=4", "--set", "train.steps=4",
                "--set", "train.checkpoint-every=2"), TINY));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("LIT_CLUSTER_LOGS", logs.toString());
        Process p = pb.start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);   // the daemons too: the script's trap does not run when it is killed
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        assertTrue(finished && p.exitValue() == 0, "standalone.sh " + scriptOptions + " failed:\n" + output);
        assertTrue(output.contains("trained LiT-S/8 to step 4"), output);
        Path last = run.resolve("checkpoints/step-00000004");
        assertTrue(Files.exists(last.resolve(Checkpoints.COMPLETE)), "a COMPLETE checkpoint");
        assertEquals(2, new ObjectMapper().readTree(last.resolve("state.json").toFile()).get("world_size").asInt());
        List<Path> executors = new ArrayList<>();
        for (int w = 1; w <= 2; w++) {
            File[] apps = logs.resolve("work-" + w).toFile().listFiles();
            assertTrue(apps != null && apps.length == 1, "worker " + w + " ran one executor of the job");
            File[] ids = apps[0].listFiles(File::isDirectory);
            assertTrue(ids != null && ids.length == 1, "one executor on worker " + w);
            executors.add(ids[0].toPath());
        }
        return executors;
    }
}
