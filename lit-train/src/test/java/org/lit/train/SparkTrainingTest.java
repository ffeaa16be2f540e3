package org.lit.train;

import com.typesafe.config.Config;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.config.ModelConfigs;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.data.SyntheticShapes;
import org.lit.distill.Inheritance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /**
     * The gradient sum overlapped with the backward (buckets of 0.01 MB, so the tiny model's buffer
     * is many buckets that go out while the backward runs; two micro-batches per worker, so the
     * first accumulates and only the second overlaps) gives the weights of the sum after the
     * backward, bit for bit: the buckets are the same windows, each summed by the same ring steps.
     */
    @Test
    void overlappingTheSumWithTheBackwardChangesNoBit() {
        Path off = dir.resolve("off"), on = dir.resolve("on");
        String[] common = {"train.steps=3", "train.workers=2", "train.micro-batch=2", "train.allreduce.bucket-mb=0.01"};
        long parameters = DiffusionTransformer.info(ModelConfigs.fromConfig(TinyRun.config(data))).parameters();
        assertTrue(parameters * 4 / (long) (0.01 * (1 << 20)) >= 20, "the buffer is at least 20 buckets");
        spark("local[2]", off, TinyRun.concat(common, "train.allreduce.overlap=false"));
        spark("local[2]", on, TinyRun.concat(common, "train.allreduce.overlap=true"));
        for (String f : new String[] {"model.safetensors", "ema.safetensors", "optimizer.safetensors"}) {
            Map<String, INDArray> a = TinyRun.tensors(off, 3, f), b = TinyRun.tensors(on, 3, f);
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) assertArrayEquals(a.get(k).dup('c').data().asFloat(), b.get(k).dup('c').data().asFloat(), f + " " + k);
        }
    }

    private static double lastDiffusionLoss(Path run, int last) throws Exception {
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        double sum = 0;
        for (String line : lines.subList(lines.size() - last, lines.size())) {
            var j = new ObjectMapper().readTree(line);
            sum += j.get("mse").asDouble() + j.get("vb").asDouble();
        }
        return sum / last;
    }

    /**
     * LiT's recipe end to end: a small DiT teacher trained here, inherited into a LiT and distilled
     * under local[2] reaches a lower diffusion loss (MSE + VB, KD terms left out) than the same LiT
     * from scratch after the same steps, on the same draws.
     */
    @Test
    void distillingAnInheritedLiTBeatsTrainingItFromScratch() throws Exception {
        Path teacherRun = dir.resolve("teacher"), distilled = dir.resolve("distilled"), scratch = dir.resolve("scratch");
        Config teacherConfig = TinyRun.config(data, "model.name=DiT-S/8", "model.num-heads=4", "train.steps=80", "train.lr=3e-3",
                "train.checkpoint-every=80", "train.log-every=10");
        new Trainer(teacherConfig, ModelConfigs.fromConfig(teacherConfig), teacherRun.toString()).run();
        Path teacher = teacherRun.resolve("checkpoints/step-00000080/ema.safetensors");

        DiffusionTransformer student = new DiffusionTransformer(ModelConfigs.fromConfig(TinyRun.config(data)), DataType.FLOAT);
        Inheritance.apply(student.parameters(), TensorFiles.read(teacher), Set.of(), 0, teacher.toString());
        Path init = dir.resolve("init.safetensors");
        TensorFiles.write(init, student.parameters().toMap());

        String[] common = {"train.steps=10", "train.workers=2", "train.micro-batch=4", "train.lr=3e-3"};
        spark("local[2]", scratch, common);
        spark("local[2]", distilled, TinyRun.concat(common, "train.init=\"" + init + "\"", "distill.teacher=\"" + teacher + "\"",
                "distill.teacher-model=DiT-S/8", "distill.teacher-overrides.hidden-size=64", "distill.teacher-overrides.depth=2",
                "distill.teacher-overrides.num-heads=4"));
        double withTeacher = lastDiffusionLoss(distilled, 5), fromScratch = lastDiffusionLoss(scratch, 5);
        System.out.printf("diffusion loss (mse + vb), mean of steps 6-10: distilled %.4f, from scratch %.4f%n", withTeacher, fromScratch);
        assertTrue(withTeacher < 0.9 * fromScratch, "distilled " + withTeacher + " vs scratch " + fromScratch);
        String line = Files.readAllLines(distilled.resolve("metrics.jsonl")).get(0);
        assertTrue(line.contains("\"kd_eps\"") && line.contains("\"kd_var\""), line);
        assertFalse(Files.readAllLines(scratch.resolve("metrics.jsonl")).get(0).contains("kd_eps"));
    }

    @Test
    void moreWorkersThanLocalSlotsIsAConfigErrorNotAHang() {
        var e = assertThrows(org.lit.core.config.ConfigError.class, () -> spark("local[1]", dir.resolve("w3"), "train.workers=2", "train.micro-batch=4"));
        assertEquals("train.workers", e.key());
        assertTrue(e.getMessage().contains("local[2]"), e.getMessage());
    }

    @Test
    void ncclOnACpuWorkerIsReportedOnceNamingTheKey() {
        var e = assertThrows(Trainer.TrainingError.class, () -> spark("local[2,4]", dir.resolve("nccl"), "train.workers=2", "train.micro-batch=4",
                "train.allreduce.transport=nccl"));
        assertTrue(e.getMessage().contains("-Pcuda"), e.getMessage());
    }

    /** A NaN stop is collective and deterministic: reported once with its step, never retried. */
    @Test
    void aNonFiniteLossIsReportedNotRetried() {
        Trainer.TrainingError e = assertThrows(Trainer.TrainingError.class, () -> spark("local[2,4]", dir.resolve("nan"), "train.steps=9",
                "train.workers=2", "train.micro-batch=4", "train.lr=1e30", "train.checkpoint-every=1"));
        assertTrue(e.getMessage().contains("at step 2") && e.getMessage().contains("step-00000001"), e.getMessage());
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
