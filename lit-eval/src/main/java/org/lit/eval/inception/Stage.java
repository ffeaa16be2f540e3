package org.lit.eval.inception;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A layer or block of the network on NHWC float32 activations. The caller allocates the output, so that the
 * network can place each block's output where it likes ({@link InceptionV3} alternates two reused buffers); the
 * layer's own temporaries go to the current workspace.
 */
interface Stage {
    /** The (N, H', W', C') output of an (N, H, W, C) input. */
    long[] outputShape(long[] inputShape);

    /** Writes the output of x into out, a contiguous c-order array of {@link #outputShape}. */
    void forward(INDArray x, INDArray out);

    /** The output in a new array of the current workspace. */
    default INDArray forward(INDArray x) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, outputShape(x.shape()));
        forward(x, out);
        return out;
    }

    /** Output size of a window of k taps at this stride and padding over n input positions. */
    static long windows(long n, int k, int stride, int padding) {
        return (n + 2L * padding - k) / stride + 1;
    }
}
