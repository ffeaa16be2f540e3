package org.lit.train;

import com.typesafe.config.Config;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.config.ModelConfigs;
import org.lit.data.SyntheticShapes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data-parallel training as a Spark barrier stage on the embedded local master. */
class SparkTrainingTest {
    @TempDir
    static Path data;
    @TempDir
    Path dir;

    @BeforeAll
    static void makeData() {
        SyntheticShapes.write(data, 10, 32, 0);
    }

    private static SparkTraining.Summary spark(String master, Path run, String... extra) {
        SparkConf conf = new SparkConf().setMaster(master).set("spark.ui.enabled", "false");
        return SparkTraining.run(conf, TinyRun.config(data, extra), run.toString());
    }

    private static double maxDifference(Map<String, INDArray> a, Map<String, INDArray> b) {
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        for (String k : a.keySet()) worst = Math.max(worst, a.get(k).sub(b.get(k)).amaxNumber().doubleValue());
        return worst;
    }

    /** W=2 with 4 samples each is W=1 with 8: the same draws, gradients summed over the ring. */
    @Test
    void twoWorkersEqualOneWorkerWithTheirCombinedBatchAndRepeatExactly() throws Exception {
        Path one = dir.resolve("one"), two = dir.resolve("two"), again = dir.resolve("again");
        Config single = TinyRun.config(data, "train.steps=4");
        new Trainer(single, ModelConfigs.fromConfig(single), one.toString()).run();
        SparkTraining.Summary s = spark("local[2]", two, "train.steps=4", "train.workers=2", "train.micro-batch=4");
        assertEquals(2, s.workers());
        assertEquals("tcp", s.transport());
        assertEquals(4, s.steps());
        assertEquals(0, s.attempt());
        for (String f : new String[] {"model.safetensors", "ema.safetensors", "optimizer.safetensors"}) {
            double d = maxDifference(TinyRun.tensors(one, 4, f), TinyRun.tensors(two, 4, f));
            assertTrue(d < 1e-5, f + ": W=2 differs from W=1 by " + d);
        }
        spark("local[2]", again, "train.steps=4", "train.workers=2", "train.micro-batch=4");
        assertEquals(TinyRun.tensors(two, 4, "model.safetensors"), TinyRun.tensors(again, 4, "model.safetensors"), "W=2 is deterministic");
        // Rank 0 alone writes: one metrics line per step, the checkpoint records the world size.
        assertEquals(4, Files.readAllLines(two.resolve("metrics.jsonl")).size());
        assertEquals(2, new ObjectMapper().readTree(two.resolve("checkpoints/step-00000004/state.json").toFile()).get("world_size").asInt());
    }

    /** Rank 1 dies before step 7 on the first attempt; Spark reruns the stage, which resumes from step 6. */
    @Test
    void aKilledWorkerIsRetriedAndTheRunEndsWhereAnUninterruptedOneDoes() {
        Path clean = dir.resolve("clean"), faulty = dir.resolve("faulty");
        spark("local[2]", clean, "train.steps=9", "train.workers=2", "train.micro-batch=4");
        SparkTraining.Summary s = spark("local[2,2]", faulty, "train.steps=9", "train.workers=2", "train.micro-batch=4",
                "train.fault.kill-rank=1", "train.fault.at-step=7");
        assertEquals(9, s.steps());
        assertEquals(1, s.attempt(), "the stage ran a second time");
        for (String f : new String[] {"model.safetensors", "ema.safetensors", "optimizer.safetensors"}) {
            assertEquals(TinyRun.tensors(clean, 9, f), TinyRun.tensors(faulty, 9, f), f);
        }
    }
}
