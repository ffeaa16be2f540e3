package org.lit.eval.inception;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What ADM's evaluator takes from the Inception graph for each image, float32, one row per image.
 *
 * @param pool3   (N, 2048) {@code pool_3}: the 8x8 average of Mixed_7c; FID, precision/recall, and IS through the logits
 * @param spatial (N, 2023) {@code mixed_6/conv[..., :7]}: Mixed_6d.branch1x1 after BN+ReLU, channels 0..6 of its
 *                17x17 map flattened in TF's order, index (h * 17 + w) * 7 + c; sFID
 * @param logits  (N, 1008) {@code pool_3 @ softmax/logits/MatMul's weight}, no bias; IS takes their softmax
 */
public record Features(INDArray pool3, INDArray spatial, INDArray logits) {
    public static final int POOL3 = 2048;
    public static final int SPATIAL_CHANNELS = 7;
    public static final int SPATIAL_SIDE = 17;
    public static final int SPATIAL = SPATIAL_SIDE * SPATIAL_SIDE * SPATIAL_CHANNELS;
    public static final int LOGITS = 1008;
}
