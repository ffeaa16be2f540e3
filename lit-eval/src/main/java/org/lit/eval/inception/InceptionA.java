package org.lit.eval.inception;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mixed_5b, 5c, 5d (pytorch-fid's FIDInceptionA): 1x1 | 1x1 -> 5x5 | 1x1 -> 3x3 -> 3x3 | average pool excluding
 * padding -> 1x1; 35x35 in and out.
 */
final class InceptionA implements Stage {
    private final BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branchPool;
    private final long channels;

    InceptionA(StateDict sd, String name, int in, int poolFeatures) {
        branch1x1 = new BasicConv2d(sd, name + ".branch1x1", in, 64, 1, 1, 0);
        branch5x5_1 = new BasicConv2d(sd, name + ".branch5x5_1", in, 48, 1, 1, 0);
        branch5x5_2 = new BasicConv2d(sd, name + ".branch5x5_2", 48, 64, 5, 1, 2);
        branch3x3dbl_1 = new BasicConv2d(sd, name + ".branch3x3dbl_1", in, 64, 1, 1, 0);
        branch3x3dbl_2 = new BasicConv2d(sd, name + ".branch3x3dbl_2", 64, 96, 3, 1, 1);
        branch3x3dbl_3 = new BasicConv2d(sd, name + ".branch3x3dbl_3", 96, 96, 3, 1, 1);
        branchPool = new BasicConv2d(sd, name + ".branch_pool", in, poolFeatures, 1, 1, 0);
        channels = 64 + 64 + 96 + poolFeatures;
    }

    @Override
    public long[] outputShape(long[] input) {
        return Concat.sameSize(input, channels);
    }

    @Override
    public void forward(INDArray x, INDArray out) {
        Concat.channels(out,
                branch1x1.forward(x),
                branch5x5_2.forward(branch5x5_1.forward(x)),
                branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))),
                branchPool.forward(Pooling.averageExcludingPadding(x)));
    }
}
