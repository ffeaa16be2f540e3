package org.lit.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.data.SyntheticShapes;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tools/cluster/standalone.sh end to end (after `package`, so lit.jar exists): a Spark master and
 * two workers on loopback from the project's own jar, spark-submit of a two-worker training job,
 * finishing with a COMPLETE checkpoint written by rank 0 and an executor on each worker.
 */
class StandaloneClusterIT {
    @TempDir
    Path dir;

    @Test
    void aTwoWorkerStandaloneClusterTrainsToACheckpoint() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path data = dir.resolve("data"), run = dir.resolve("run"), logs = dir.resolve("logs"), out = dir.resolve("out.txt");
        SyntheticShapes.write(data, 4, 32, 0);
        List<String> command = List.of("bash", root.resolve("tools/cluster/standalone.sh").toString(), "--workers", "2", "--executor-memory", "2g", "--",
                "train", "--run", run.toString(), "--set", "data.path=" + data.resolve("train"), "--set", "model.name=LiT-S/8",
                "--set", "model.input-size=32", "--set", "model.in-channels=3", "--set", "model.hidden-size=64", "--set", "model.depth=2",
                "--set", "model.num-classes=4", "--set", "train.workers=2", "--set", "train.global-batch=8", "--set", "train.micro-batch=4",
                "--set", "train.steps=4", "--set", "train.checkpoint-every=2", "--set", "train.sample-steps=2");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("LIT_CLUSTER_LOGS", logs.toString());
        Process p = pb.start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) p.destroyForcibly();
        String output = Files.readString(out);
        assertTrue(finished && p.exitValue() == 0, "standalone.sh failed:\n" + output);
        assertTrue(output.contains("trained LiT-S/8 to step 4"), output);
        Path last = run.resolve("checkpoints/step-00000004");
        assertTrue(Files.exists(last.resolve(Checkpoints.COMPLETE)), "a COMPLETE checkpoint");
        assertEquals(2, new ObjectMapper().readTree(last.resolve("state.json").toFile()).get("world_size").asInt());
        for (int w = 1; w <= 2; w++) {
            File[] apps = logs.resolve("work-" + w).toFile().listFiles();
            assertTrue(apps != null && apps.length == 1, "worker " + w + " ran one executor of the job");
        }
    }
}
