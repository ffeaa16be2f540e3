package org.lit.eval.inception;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mixed_7b and 7c (pytorch-fid's FIDInceptionE_1 and _2): 1x1 | 1x1 -> (1x3, 3x1) | 1x1 -> 3x3 -> (1x3, 3x1) |
 * pool -> 1x1; 8x8 in and out, 2048 channels. Mixed_7b pools by average excluding padding; Mixed_7c by a 3x3 max
 * pool, a quirk of the TF graph that pytorch-fid reproduces.
 */
final class InceptionE implements Stage {
    private final BasicConv2d branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b;
    private final BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branchPool;
    private final Stage maxPool;

    /** maxPool: Mixed_7c's 3x3 stride 1 max pool instead of the average. */
    InceptionE(StateDict sd, String name, int in, boolean maxPool) {
        branch1x1 = new BasicConv2d(sd, name + ".branch1x1", in, 320, 1, 1, 0);
        branch3x3_1 = new BasicConv2d(sd, name + ".branch3x3_1", in, 384, 1, 1, 0);
        branch3x3_2a = new BasicConv2d(sd, name + ".branch3x3_2a", 384, 384, 1, 3, 1, 0, 1);
        branch3x3_2b = new BasicConv2d(sd, name + ".branch3x3_2b", 384, 384, 3, 1, 1, 1, 0);
        branch3x3dbl_1 = new BasicConv2d(sd, name + ".branch3x3dbl_1", in, 448, 1, 1, 0);
        branch3x3dbl_2 = new BasicConv2d(sd, name + ".branch3x3dbl_2", 448, 384, 3, 1, 1);
        branch3x3dbl_3a = new BasicConv2d(sd, name + ".branch3x3dbl_3a", 384, 384, 1, 3, 1, 0, 1);
        branch3x3dbl_3b = new BasicConv2d(sd, name + ".branch3x3dbl_3b", 384, 384, 3, 1, 1, 1, 0);
        branchPool = new BasicConv2d(sd, name + ".branch_pool", in, 192, 1, 1, 0);
        this.maxPool = maxPool ? Pooling.max(1, 1) : null;
    }

    @Override
    public long[] outputShape(long[] input) {
        return Concat.sameSize(input, 320 + 2 * 384 + 2 * 384 + 192);
    }

    @Override
    public void forward(INDArray x, INDArray out) {
        INDArray b3 = branch3x3_1.forward(x);
        INDArray dbl = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
        INDArray pooled = maxPool != null ? maxPool.forward(x) : Pooling.averageExcludingPadding(x);
        Concat.channels(out,
                branch1x1.forward(x),
                branch3x3_2a.forward(b3), branch3x3_2b.forward(b3),
                branch3x3dbl_3a.forward(dbl), branch3x3dbl_3b.forward(dbl),
                branchPool.forward(pooled));
    }
}
