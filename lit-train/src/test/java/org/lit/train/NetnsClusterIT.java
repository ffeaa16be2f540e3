package org.lit.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.data.SyntheticShapes;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Several hosts on one machine (tools/cluster/netns.sh: a network namespace per daemon, on a
 * bridge): a standalone master and two workers, each at its own address, train a two-worker job;
 * after the step-5 checkpoint worker 1's link goes down for 20 s while its JVMs stay up, as a switch
 * failure looks. The survivor's all-reduce fails within train.allreduce.timeout naming the silent
 * peer's address, Spark reruns the barrier stage once the link is back, and the job ends with the
 * very weights of an uninterrupted run. Needs root; skips itself, saying why, without it.
 */
class NetnsClusterIT {
    private static final Path NETNS = TwoWorkerJob.ROOT.resolve("tools/cluster/netns.sh");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return p.exitValue() == 0 ? out : "FAILED: " + out;
    }

    private static int lastStep(Path metrics) throws Exception {
        if (!Files.exists(metrics)) return 0;
        List<String> lines = Files.readAllLines(metrics);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) return JSON.readTree(lines.get(i)).get("step").asInt();
        }
        return 0;
    }

    @Test
    void aWorkerCutOffMidRunRejoinsAndTheWeightsEqualAnUninterruptedRun() throws Exception {
        String check = run("bash", NETNS.toString(), "check");
        assumeTrue(!check.startsWith("FAILED"), "skipped: " + check.replace("FAILED: ", "").trim());
        SplittableRandom rng = new SplittableRandom();
        String prefix = "lt" + Integer.toHexString(rng.nextInt(0x1000, 0x10000)), subnet = "10.77." + rng.nextInt(2, 250);
        Path data = dir.resolve("data"), runDir = dir.resolve("run"), reference = dir.resolve("reference"), logs = dir.resolve("logs");
        SyntheticShapes.write(data, 4, 32, 0);
        List<String> train = TwoWorkerJob.concat(TwoWorkerJob.TINY, List.of("--set", "data.path=" + data.resolve("train"), "--set", "train.workers=2",
                "--set", "train.global-batch=8", "--set", "train.micro-batch=4", "--set", "train.steps=40", "--set", "train.checkpoint-every=5",
                "--set", "train.keep-checkpoints=10", "--set", "train.log-every=1", "--set", "train.allreduce.timeout=10s"));
        Path out = dir.resolve("out.txt"), metrics = runDir.resolve("metrics.jsonl");
        ProcessBuilder pb = new ProcessBuilder(TwoWorkerJob.concat(List.of("bash", TwoWorkerJob.ROOT.resolve("tools/cluster/standalone.sh").toString(),
                "--workers", "2", "--executor-memory", "2g", "--netns", prefix, "--subnet", subnet, "--", "train", "--run", runDir.toString()), train))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("LIT_CLUSTER_LOGS", logs.toString());
        Process p = pb.start();
        int cutAt, resumedFrom;
        double stall;
        try {
            Path fifth = runDir.resolve("checkpoints/step-00000005").resolve(Checkpoints.COMPLETE);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            while (!Files.exists(fifth) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
            assertTrue(Files.exists(fifth), "the step-5 checkpoint before the cut:\n" + Files.readString(out));
            assertEquals("", run("bash", NETNS.toString(), "cut", prefix, "1"));
            long cut = System.nanoTime();
            Thread.sleep(20_000);
            cutAt = lastStep(metrics);
            resumedFrom = (int) new Checkpoints(runDir.toString()).latest().orElseThrow().step();
            assertEquals("", run("bash", NETNS.toString(), "restore", prefix, "1"));
            while (lastStep(metrics) <= cutAt && p.isAlive()) Thread.sleep(100);
            stall = (System.nanoTime() - cut) / 1e9;
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the job ends");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            run("bash", NETNS.toString(), "down", prefix);
        }
        String output = Files.readString(out);
        System.out.printf("link of worker 1 cut after step %d for 20 s: %.1f s from the cut to the first step past it; %d step(s) redone from the step-%d checkpoint%n",
                cutAt, stall, cutAt - resumedFrom, resumedFrom);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.matches("(?s).*all-reduce: rank \\d \\(/" + subnet.replace(".", "\\.") + "\\.11:\\d+\\) stopped answering: no progress for 10\\.0 s.*"),
                "the survivor names the silent peer:\n" + output);
        assertTrue(stall < 180, "stalled " + stall + " s");

        // Nothing of the cluster survives: namespaces, links, JVMs.
        assertFalse(run("ip", "netns", "list").contains(prefix), "namespaces left");
        assertFalse(run("ip", "-o", "link", "show").contains(prefix), "links left");
        assertTrue(ProcessHandle.allProcesses().noneMatch(h -> h.info().commandLine().orElse("").contains(logs.toString())), "JVMs left");

        Process ref = new ProcessBuilder(TwoWorkerJob.concat(List.of(TwoWorkerJob.ROOT.resolve("lit").toString(), "train", "--master", "local[2]",
                "--run", reference.toString()), train)).redirectErrorStream(true).redirectOutput(dir.resolve("reference.txt").toFile()).start();
        assertTrue(ref.waitFor(10, TimeUnit.MINUTES) && ref.exitValue() == 0, Files.readString(dir.resolve("reference.txt")));
        for (String file : new String[] {"model.safetensors", "ema.safetensors", "optimizer.safetensors"}) {
            Map<String, INDArray> a = TinyRun.tensors(runDir, 40, file), b = TinyRun.tensors(reference, 40, file);
            assertEquals(b, a, file + ": bit for bit");
        }
    }
}
