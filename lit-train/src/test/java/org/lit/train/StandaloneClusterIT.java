package org.lit.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.data.SyntheticShapes;
import org.nd4j.linalg.api.ndarray.INDArray;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tools/cluster/standalone.sh end to end (after `package`, so lit.jar exists): a Spark master and
 * two workers on loopback from the project's own jar, spark-submit of a two-worker training job,
 * finishing with a COMPLETE checkpoint written by rank 0 and an executor on each worker; and a
 * three-worker job that loses a worker for good and goes on with two (train.elastic).
 */
class StandaloneClusterIT {
    @TempDir
    Path dir;

    @Test
    void aTwoWorkerStandaloneClusterTrainsToACheckpoint() throws Exception {
        TwoWorkerJob.run(dir, List.of());
    }

    /**
     * Three workers; after the step-5 checkpoint worker 3 is killed (its executor goes with it) and
     * never comes back. The survivors' ring fails, Spark's retry of the barrier stage cannot get three
     * slots, and after train.elastic-wait the driver goes on with two workers from the latest COMPLETE
     * checkpoint. The weights equal an uninterrupted three-worker run's within 1e-5 (the draws do not
     * depend on W; only the order of the float sums does).
     */
    @Test
    void aWorkerGoneForGoodLeavesTheJobToTheOthers() throws Exception {
        Path data = dir.resolve("data"), run = dir.resolve("run"), reference = dir.resolve("reference"), logs = dir.resolve("logs");
        SyntheticShapes.write(data, 4, 32, 0);
        List<String> train = TwoWorkerJob.concat(TwoWorkerJob.TINY, List.of("--set", "data.path=" + data.resolve("train"), "--set", "train.global-batch=12",
                "--set", "train.micro-batch=2", "--set", "train.steps=30", "--set", "train.checkpoint-every=5", "--set", "train.keep-checkpoints=10",
                "--set", "train.workers=3", "--set", "train.log-every=1"));
        List<String> command = TwoWorkerJob.concat(List.of("bash", TwoWorkerJob.ROOT.resolve("tools/cluster/standalone.sh").toString(), "--workers", "3", "--executor-memory", "2g", "--",
                "train", "--run", run.toString(), "--set", "train.elastic=true", "--set", "train.elastic-wait=10s"), train);
        Path out = dir.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("LIT_CLUSTER_LOGS", logs.toString());
        Process p = pb.start();
        try {
            Path fifth = run.resolve("checkpoints/step-00000005").resolve(Checkpoints.COMPLETE);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            while (!Files.exists(fifth) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
            assertTrue(Files.exists(fifth), "the step-5 checkpoint before the worker goes:\n" + Files.readString(out));
            long worker3 = Long.parseLong(Files.readString(logs.resolve("worker-3.pid")).trim());
            ProcessHandle.of(worker3).ifPresent(ProcessHandle::destroyForcibly);
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the job ends");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);   // the daemons too, should the script not stop them
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("going on with 2 worker(s) instead of 3"), output);
        Path last = run.resolve("checkpoints/step-00000030");
        assertEquals(2, new ObjectMapper().readTree(last.resolve("state.json").toFile()).get("world_size").asInt());
        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(30, metrics.size(), "one line per step, the redone steps once");
        for (int i = 0; i < metrics.size(); i++) assertEquals(i + 1, new ObjectMapper().readTree(metrics.get(i)).get("step").asInt());

        Process ref = new ProcessBuilder(TwoWorkerJob.concat(List.of(TwoWorkerJob.ROOT.resolve("lit").toString(), "train", "--master", "local[3]", "--run", reference.toString()), train))
                .redirectErrorStream(true).redirectOutput(dir.resolve("reference.txt").toFile()).start();
        assertTrue(ref.waitFor(10, TimeUnit.MINUTES) && ref.exitValue() == 0, Files.readString(dir.resolve("reference.txt")));
        for (String file : new String[] {"model.safetensors", "ema.safetensors"}) {
            Map<String, INDArray> a = TinyRun.tensors(run, 30, file), b = TinyRun.tensors(reference, 30, file);
            assertEquals(b.keySet(), a.keySet());
            for (String k : a.keySet()) {
                double err = a.get(k).sub(b.get(k)).norm2Number().doubleValue() / Math.max(1e-12, b.get(k).norm2Number().doubleValue());
                assertTrue(err < 1e-5, file + " " + k + " off by " + err);
            }
        }
    }
}
