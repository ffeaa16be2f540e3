package org.lit.data;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binds the calling Spark task to the GPU the scheduler gave it (the task's `gpu` resource), so
 * ND4J's CUDA backend computes there; a task without one (CPU executors, local[W]) is left as is.
 */
public final class TaskGpu {
    private TaskGpu() {
    }

    /** The GPU address bound, or -1 when the task has none. */
    public static int bind(TaskContext ctx) {
        ResourceInformation gpu = ctx.resources().get("gpu").getOrElse(() -> null);
        if (gpu == null) return -1;
        int device = Integer.parseInt(gpu.addresses()[0]);
        Nd4j.getAffinityManager().unsafeSetDevice(device);
        return device;
    }
}
