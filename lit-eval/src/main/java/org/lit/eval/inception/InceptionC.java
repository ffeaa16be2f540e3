package org.lit.eval.inception;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mixed_6b, 6c, 6d, 6e (pytorch-fid's FIDInceptionC): 1x1 | 1x1 -> 1x7 -> 7x1 | 1x1 -> 7x1 -> 1x7 -> 7x1 -> 1x7 |
 * average pool excluding padding -> 1x1; 17x17 in and out, 768 channels. Mixed_6d's first branch is TF's
 * {@code mixed_6/conv}, whose first 7 channels are ADM's spatial features: channels 0..6 of the block's output.
 */
final class InceptionC implements Stage {
    private final BasicConv2d branch1x1, branch7x7_1, branch7x7_2, branch7x7_3;
    private final BasicConv2d branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branchPool;

    InceptionC(StateDict sd, String name, int in, int c7) {
        branch1x1 = new BasicConv2d(sd, name + ".branch1x1", in, 192, 1, 1, 0);
        branch7x7_1 = new BasicConv2d(sd, name + ".branch7x7_1", in, c7, 1, 1, 0);
        branch7x7_2 = new BasicConv2d(sd, name + ".branch7x7_2", c7, c7, 1, 7, 1, 0, 3);
        branch7x7_3 = new BasicConv2d(sd, name + ".branch7x7_3", c7, 192, 7, 1, 1, 3, 0);
        branch7x7dbl_1 = new BasicConv2d(sd, name + ".branch7x7dbl_1", in, c7, 1, 1, 0);
        branch7x7dbl_2 = new BasicConv2d(sd, name + ".branch7x7dbl_2", c7, c7, 7, 1, 1, 3, 0);
        branch7x7dbl_3 = new BasicConv2d(sd, name + ".branch7x7dbl_3", c7, c7, 1, 7, 1, 0, 3);
        branch7x7dbl_4 = new BasicConv2d(sd, name + ".branch7x7dbl_4", c7, c7, 7, 1, 1, 3, 0);
        branch7x7dbl_5 = new BasicConv2d(sd, name + ".branch7x7dbl_5", c7, 192, 1, 7, 1, 0, 3);
        branchPool = new BasicConv2d(sd, name + ".branch_pool", in, 192, 1, 1, 0);
    }

    @Override
    public long[] outputShape(long[] input) {
        return Concat.sameSize(input, 4 * 192);
    }

    @Override
    public void forward(INDArray x, INDArray out) {
        INDArray dbl = branch7x7dbl_3.forward(branch7x7dbl_2.forward(branch7x7dbl_1.forward(x)));
        Concat.channels(out,
                branch1x1.forward(x),
                branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x))),
                branch7x7dbl_5.forward(branch7x7dbl_4.forward(dbl)),
                branchPool.forward(Pooling.averageExcludingPadding(x)));
    }
}
