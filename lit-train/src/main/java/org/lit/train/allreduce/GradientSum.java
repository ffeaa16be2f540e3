package org.lit.train.allreduce;

import org.lit.core.nn.GradientListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A step's flat gradient buffer summed over the workers. The trainer hands it to the last
 * micro-batch's backward as the listener of finished ranges, then calls {@link #finish()}.
 */
public interface GradientSum extends GradientListener {
    /** Returns when the buffer holds the sum over all workers; a failed sum throws its AllReduceError. */
    void finish();

    /**
     * With overlap and a transport that sums in buckets off the calling thread, an {@link OverlappedSum};
     * otherwise the whole buffer is summed in finish(), on the caller's thread, as before.
     */
    static GradientSum open(AllReduce allReduce, INDArray buffer, boolean overlap) {
        long bucket = allReduce.bucketLength(buffer.dataType().width());
        if (overlap && bucket > 0) return new OverlappedSum(allReduce, buffer, bucket);
        return new GradientSum() {
            @Override
            public void finished(long from, long to) {
                // summed whole, after the backward
            }

            @Override
            public void finish() {
                allReduce.sum(buffer);
            }
        };
    }
}
