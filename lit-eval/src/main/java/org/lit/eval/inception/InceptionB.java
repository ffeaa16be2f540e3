package org.lit.eval.inception;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Mixed_6a (torchvision's InceptionB): 3x3 stride 2 | 1x1 -> 3x3 -> 3x3 stride 2 | max pool stride 2; 35x35 -> 17x17. */
final class InceptionB implements Stage {
    private final BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;
    private final Stage branchPool = Pooling.max(2, 0);
    private final long channels;

    InceptionB(StateDict sd, String name, int in) {
        branch3x3 = new BasicConv2d(sd, name + ".branch3x3", in, 384, 3, 2, 0);
        branch3x3dbl_1 = new BasicConv2d(sd, name + ".branch3x3dbl_1", in, 64, 1, 1, 0);
        branch3x3dbl_2 = new BasicConv2d(sd, name + ".branch3x3dbl_2", 64, 96, 3, 1, 1);
        branch3x3dbl_3 = new BasicConv2d(sd, name + ".branch3x3dbl_3", 96, 96, 3, 2, 0);
        channels = 384 + 96 + in;
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
                branch3x3.forward(x),
                branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))),
                branchPool.forward(x));
    }
}
