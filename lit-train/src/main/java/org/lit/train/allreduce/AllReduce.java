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

    /**
     * How many elements of a buffer of this element width (bytes) one sum moves as a unit: summing a
     * buffer is summing its windows [k L, (k+1) L) one after the other, each summed the same way
     * whatever else is summed. A caller may therefore sum those windows separately, sooner and on
     * another thread (in an order every rank shares), and get the same bits. 0 when the transport
     * sums only whole buffers on the calling thread: NCCL (ND4J's CUDA context belongs to a thread),
     * and a job of one, where there is nothing to sum.
     */
    default long bucketLength(int width) {
        return 0;
    }

    int rank();

    int worldSize();

    /** The transport's name, as `train.allreduce.transport` spells it. */
    String transport();

    @Override
    void close();
}
