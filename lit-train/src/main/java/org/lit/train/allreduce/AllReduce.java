package org.lit.train.allreduce;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise sum of one buffer over all workers of a training job, in place: afterwards every
 * worker holds the same sum. Two transports implement it: a TCP ring (every machine) and NCCL
 * (GPU workers, where the buffer stays on the device). Collective: every rank calls the same
 * sequence of sums with buffers of the same length and type.
 */
public interface AllReduce extends AutoCloseable {
    /** Sums a contiguous float32 or float64 vector over all ranks, in place. */
    void sum(INDArray values);

    int rank();

    int worldSize();

    /** The transport's name, as `train.allreduce.transport` spells it. */
    String transport();

    @Override
    void close();
}
