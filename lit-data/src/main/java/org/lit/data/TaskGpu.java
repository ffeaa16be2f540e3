package org.lit.data;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.lit.core.gpu.CudaDevices;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binds the calling Spark task to the GPU the scheduler gave it (the task's `gpu` resource), so
 * ND4J's CUDA backend computes there; a task without one (CPU executors, local[W]) is left as is.
 * Every job's task starts here (training, encode, sample, features), so this is also where the GPUs
 * the executor sees are checked against the CUDA build, before the task's first op.
 */
public final class TaskGpu {
    private TaskGpu() {
    }

    /** The GPU address bound, or -1 when the task has none; an UnsupportedGpuException when a visible GPU cannot run the build. */
    public static int bind(TaskContext ctx) {
        CudaDevices.requireSupported();
        ResourceInformation gpu = ctx.resources().get("gpu").getOrElse(() -> null);
        if (gpu == null) return -1;
        int device = Integer.parseInt(gpu.addresses()[0]);
        Nd4j.getAffinityManager().unsafeSetDevice(device);
        return device;
    }
}
