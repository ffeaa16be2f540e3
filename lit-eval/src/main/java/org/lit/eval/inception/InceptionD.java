package org.lit.eval.inception;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mixed_7a (torchvision's InceptionD): 1x1 -> 3x3 stride 2 | 1x1 -> 1x7 -> 7x1 -> 3x3 stride 2 | max pool stride 2;
 * 17x17 -> 8x8.
 */
final class InceptionD implements Stage {
    private final BasicConv2d branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;
    private final Stage branchPool = Pooling.max(2, 0);
    private final long channels;

    InceptionD(StateDict sd, String name, int in) {
        branch3x3_1 = new BasicConv2d(sd, name + ".branch3x3_1", in, 192, 1, 1, 0);
        branch3x3_2 = new BasicConv2d(sd, name + ".branch3x3_2", 192, 320, 3, 2, 0);
        branch7x7x3_1 = new BasicConv2d(sd, name + ".branch7x7x3_1", in, 192, 1, 1, 0);
        branch7x7x3_2 = new BasicConv2d(sd, name + ".branch7x7x3_2", 192, 192, 1, 7, 1, 0, 3);
        branch7x7x3_3 = new BasicConv2d(sd, name + ".branch7x7x3_3", 192, 192, 7, 1, 1, 3, 0);
        branch7x7x3_4 = new BasicConv2d(sd, name + ".branch7x7x3_4", 192, 192, 3, 2, 0);
        channels = 320 + 192 + in;
    }

    @Override
    public long[] outputShape(long[] input) {
        long[] s = branchPool.outputShape(input);
        s[3] = channels;
        return s;
    }

    @Override
    public void forward(INDArray x, INDArray out) {
        Concat.channels(out,
                branch3x3_2.forward(branch3x3_1.forward(x)),
                branch7x7x3_4.forward(branch7x7x3_3.forward(branch7x7x3_2.forward(branch7x7x3_1.forward(x)))),
                branchPool.forward(x));
    }
}
