package org.lit.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * engine.tf32: whether cuBLAS runs float32 GEMMs on the TF32 tensor cores of GPUs of compute
 * capability 8.0 and newer (10-bit mantissa products, float32 sums), as DiT's train.py sets
 * torch.backends.cuda.matmul.allow_tf32; false keeps IEEE float32. libnd4j never sets cuBLAS's math
 * mode itself, so without this every SGEMM stays float32. The switch is a cuBLAS call on ND4J's own
 * handle, compiled only into the CUDA build (CublasTf32 under src/cuda/java); on the CPU backend
 * there is no cuBLAS and it does nothing.
 */
public final class Tf32 {
    public static final String KEY = "engine.tf32";
    /** The same setting as a Spark setting, which reaches every task of a job (TaskGpu applies it). */
    public static final String SPARK_KEY = "spark.lit.engine.tf32";
    static final String CUDA_SWITCH = "org.lit.core.CublasTf32";
    private static final Logger LOG = LoggerFactory.getLogger(Tf32.class);

    private Tf32() {
    }

    /** The CUDA build's switch, found by name: the CPU build has no cuBLAS to call. */
    interface Switch {
        void set(boolean tf32);
    }

    /** engine.tf32 of reference.conf: what a job without a config of its own runs with. */
    public static boolean byDefault() {
        return ConfigFactory.defaultReference().getBoolean(KEY);
    }

    /**
     * A command's start: hands the run's engine.tf32 on as the Spark setting {@link #SPARK_KEY} (a
     * system property, as spark-submit passes --conf, so every SparkConf made afterwards in this JVM
     * carries it to the job's tasks, which apply it to their GPUs). It does not start ND4J: a job's
     * driver (a YARN application master, an edge node) may have no GPU.
     */
    public static void start(Config config) {
        System.setProperty(SPARK_KEY, Boolean.toString(config.getBoolean(KEY)));
    }

    /** What start recorded (else the default), for work that runs in the command's own JVM outside Spark's tasks. */
    public static boolean started() {
        return Boolean.parseBoolean(System.getProperty(SPARK_KEY, Boolean.toString(byDefault())));
    }

    /** Sets cuBLAS's math mode on the calling thread's GPU; on the CPU backend, nothing. */
    public static void apply(boolean tf32) {
        if (Nd4j.getEnvironment().isCPU()) {
            LOG.debug("{} = {}: nothing to do on the CPU backend (no cuBLAS)", KEY, tf32);
            return;
        }
        Switch cuda;
        try {
            cuda = (Switch) Class.forName(CUDA_SWITCH).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("ND4J runs on " + Nd4j.getBackend().getClass().getSimpleName()
                    + " but this build has no CUDA sources; build lit.jar with mvn -Pcuda", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start " + CUDA_SWITCH + ": " + e, e);
        }
        cuda.set(tf32);
    }
}
