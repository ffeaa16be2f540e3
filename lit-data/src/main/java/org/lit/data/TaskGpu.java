package org.lit.data;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.lit.core.Tf32;
import org.lit.core.gpu.CudaDevices;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binds the calling Spark task to the GPU the scheduler gave it (the task's `gpu` resource), so
 * ND4J's CUDA backend computes there; without one, on a node of several GPUs (local[W]), task r takes
 * GPU r mod their count; otherwise (CPU executors, one GPU) it is left as is.
 * Every job's task starts here (training, encode, sample, features), so this is also where the GPUs
 * the executor sees are checked against the CUDA build, before the task's first op, and where the
 * engine gets the job's engine.tf32 (a Spark setting).
 */
public final class TaskGpu {
    private TaskGpu() {
    }

    /** The GPU address bound, or -1 when the task has none; an UnsupportedGpuException when a visible GPU cannot run the build. */
    public static int bind(TaskContext ctx) {
        CudaDevices.requireSupported();
        ResourceInformation gpu = ctx.resources().get("gpu").getOrElse(() -> null);
        int device;
        if (gpu != null) {
            device = Integer.parseInt(gpu.addresses()[0]);
            Nd4j.getAffinityManager().unsafeSetDevice(device);
        } else {
            device = bindRank(ctx.partitionId());
        }
        Tf32.apply(SparkEnv.get().conf().getBoolean(Tf32.SPARK_KEY, Tf32.byDefault()));
        return device;
    }

    /**
     * Without GPU scheduling (local[W], or the ranks of one process) on a node of several GPUs, rank
     * r takes GPU r mod their count, so that two ranks never share a device (NCCL refuses that); the
     * GPU bound, or -1 with one device or none.
     */
    public static int bindRank(int rank) {
        int devices = Nd4j.getAffinityManager().getNumberOfDevices();
        if (devices <= 1) return -1;
        Nd4j.getAffinityManager().unsafeSetDevice(rank % devices);
        return rank % devices;
    }
}
