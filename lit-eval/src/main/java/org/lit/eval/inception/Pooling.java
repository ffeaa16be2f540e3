package org.lit.eval.inception;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network's 3x3 poolings on NHWC activations (libnd4j maxpool2d / avgpool2d).
 *
 * <p>TF's AvgPool with SAME padding divides by the number of input values in the window, not 9 (pytorch-fid's
 * {@code count_include_pad=False}). libnd4j's avgpool2d takes that as its integer argument 9 ("extraParam0"): 0
 * divides by the values inside the input, 1 by the kernel size. ND4J's Java config class has a separate
 * {@code Pooling2DConfig.divisor} that its AvgPooling2D op never passes on (it sends {@code extra}), so the op is
 * called here with its arguments spelled out. Max pooling's padding never wins (it acts as -infinity).
 */
final class Pooling {
    private static final int EXCLUDE_PADDING = 0;
    private static final int NHWC = 1;

    private Pooling() {
    }

    /** A max-pool stage, 3x3 at this stride and padding. */
    static Stage max(int stride, int padding) {
        return new Stage() {
            @Override
            public long[] outputShape(long[] s) {
                return new long[] {s[0], Stage.windows(s[1], 3, stride, padding), Stage.windows(s[2], 3, stride, padding), s[3]};
            }

            @Override
            public void forward(INDArray x, INDArray out) {
                pool("maxpool2d", x, out, stride, padding);
            }
        };
    }

    /** 3x3 average, stride 1, padding 1, padded positions not counted (TF's AvgPool SAME). */
    static INDArray averageExcludingPadding(INDArray x) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        pool("avgpool2d", x, out, 1, 1);
        return out;
    }

    private static void pool(String op, INDArray x, INDArray out, int stride, int padding) {
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x).addOutputs(out)
                .addIntegerArguments(3, 3, stride, stride, padding, padding, 1, 1, 0, EXCLUDE_PADDING, NHWC).build());
    }
}
