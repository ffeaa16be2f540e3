package org.lit.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.data.SyntheticShapes;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster path (after `package`): lit-spark.jar next to a Spark distribution's jars/ built from
 * Maven Central (tools/spark-home/target/jars). The thin jar must bring no class the cluster has,
 * and must train under Spark's own SparkSubmit on a standalone cluster whose daemons run from
 * that distribution alone.
 */
class SparkSubmitIT {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path SPARK_HOME = ROOT.resolve("tools/spark-home/target");
    private static final Path THIN = ROOT.resolve("lit-spark/target/lit-spark.jar");

    @TempDir
    Path dir;

    private static Set<String> classes(Path jar) throws IOException {
        Set<String> out = new HashSet<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            z.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/")).forEach(out::add);
        }
        return out;
    }

    @Test
    void theThinJarHoldsNoClassOfTheSparkDistribution() throws IOException {
        Set<String> cluster = new HashSet<>();
        File[] jars = SPARK_HOME.resolve("jars").toFile().listFiles((d, n) -> n.endsWith(".jar"));
        assertTrue(jars != null && jars.length > 50, "a distribution's jars/ in " + SPARK_HOME);
        for (File j : jars) cluster.addAll(classes(j.toPath()));
        assertTrue(cluster.contains("org/apache/spark/SparkContext.class") && cluster.contains("scala/Option.class")
                && cluster.contains("org/apache/hadoop/fs/FileSystem.class"), "Spark, Scala and the Hadoop client are the cluster's");
        Set<String> thin = classes(THIN);
        assertTrue(thin.contains("org/lit/cli/Lit.class") && thin.contains("org/nd4j/linalg/factory/Nd4j.class"), "lit and ND4J are the jar's");
        Set<String> both = new HashSet<>(thin);
        both.retainAll(cluster);
        assertEquals(Set.of(), both, "classes in lit-spark.jar and in SPARK_HOME/jars");
        assertFalse(Files.size(THIN) > 0.7 * Files.size(ROOT.resolve("lit-train/target/lit.jar")), "the thin jar leaves Spark and Hadoop out");
    }

    @Test
    void aTwoWorkerClusterOfTheDistributionTrainsTheThinJar() throws Exception {
        Path data = dir.resolve("data"), run = dir.resolve("run"), logs = dir.resolve("logs"), out = dir.resolve("out.txt");
        SyntheticShapes.write(data, 4, 32, 0);
        List<String> command = List.of("bash", ROOT.resolve("tools/cluster/standalone.sh").toString(), "--workers", "2", "--executor-memory", "2g",
                "--spark-home", SPARK_HOME.toString(), "--jar", THIN.toString(), "--",
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
        assertTrue(finished && p.exitValue() == 0, "standalone.sh --spark-home failed:\n" + output);
        assertTrue(output.contains("trained LiT-S/8 to step 4"), output);
        Path last = run.resolve("checkpoints/step-00000004");
        assertTrue(Files.exists(last.resolve(Checkpoints.COMPLETE)), "a COMPLETE checkpoint");
        assertEquals(2, new ObjectMapper().readTree(last.resolve("state.json").toFile()).get("world_size").asInt());
        for (int w = 1; w <= 2; w++) {
            File[] apps = logs.resolve("work-" + w).toFile().listFiles();
            assertTrue(apps != null && apps.length == 1, "worker " + w + " ran one executor of the job");
            File[] executors = apps[0].listFiles(File::isDirectory);
            assertTrue(executors != null && executors.length == 1, "one executor on worker " + w);
            // The worker's launch command: the distribution's jars/ is the executor's classpath; the app jar is fetched.
            String launch = Files.readString(executors[0].toPath().resolve("stderr"));
            assertTrue(launch.contains("\"-cp\" \"" + SPARK_HOME.resolve("conf") + ":" + SPARK_HOME.resolve("jars") + "/*\""), launch);
            assertTrue(Files.exists(executors[0].toPath().resolve("lit-spark.jar")), "the executor fetched lit-spark.jar");
        }
    }
}
