package org.lit.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    private static final Path ROOT = TwoWorkerJob.ROOT;
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
        for (Path executor : TwoWorkerJob.run(dir, List.of("--spark-home", SPARK_HOME.toString(), "--jar", THIN.toString()))) {
            // The worker's launch command: the distribution's jars/ is the executor's classpath; the app jar is fetched.
            String launch = Files.readString(executor.resolve("stderr"));
            assertTrue(launch.contains("\"-cp\" \"" + SPARK_HOME.resolve("conf") + ":" + SPARK_HOME.resolve("jars") + "/*\""), launch);
            assertTrue(Files.exists(executor.resolve("lit-spark.jar")), "the executor fetched lit-spark.jar");
        }
    }
}
