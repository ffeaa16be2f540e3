package org.lit.eval.inception;

import org.lit.core.Workspaces;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Inception-v3 of FID as ADM's evaluator runs it (openai/guided-diffusion evaluations/, TF graph
 * classify_image_graph_def.pb of 2015-12-05), in pytorch-fid's FID variant and state-dict naming, for inference in
 * float32 (REFERENCE.md 7.1; tools/reference/inception_reference.py is the PyTorch twin the tests compare against).
 *
 * <p>Per image: uint8 pixels -> float32 -> TF1 bilinear resize to 299x299 ({@link Tf1Resize}) -> (x - 128) / 128
 * -> the network -> {@link Features}. Activations are NHWC throughout (TF's layout, and the one oneDNN's
 * convolutions run fastest in here); the BatchNorms are folded into the convolutions ({@link BasicConv2d}).
 * Immutable; safe to share between threads (each computes in its own buffers and workspace).
 *
 * <p>Memory of a batch: each stage's output goes to one of two flat buffers, alternately (a stage reads the other
 * one), and the stage's temporaries to a workspace that is reset after every stage; the buffers and the input live
 * in a batch workspace. Both workspaces are the calling thread's and are reused by every later batch and call, so
 * after the first batch nothing new is allocated: fresh memory for the two buffers of a 64-image batch (725 MB)
 * took 416 ms to allocate and first write against 108 ms to rewrite, about a tenth of the batch's time. A batch
 * holds two stage outputs, one stage's temporaries and its input: 15 + 4 MB per image, 1.2 GB for 64 images.
 */
public final class InceptionV3 {
    public static final int SIZE = 299;
    /** ADM's Evaluator(batch_size=64). */
    public static final int DEFAULT_BATCH_SIZE = 64;
    /** A batch's input, its two stage-output buffers and its features before they are copied out. */
    private static final String BATCH = "lit-inception-batch";
    /** One stage's temporaries (branch outputs, pooled copies). */
    private static final String STAGE = "lit-inception-stage";

    private final List<Stage> stages;
    /** Mixed_6d, whose output's first channels are the spatial features. */
    private final Stage mixed6d;
    /** fc.weight transposed, (2048, 1008). */
    private final INDArray logitsWeight;
    /** The largest stage output of one image, in floats (Conv2d_2b_3x3's 147x147x64). */
    private final long largestStageOutput;
    private final int batchSize;

    private InceptionV3(List<Stage> stages, Stage mixed6d, INDArray logitsWeight, int batchSize) {
        this.stages = stages;
        this.mixed6d = mixed6d;
        this.logitsWeight = logitsWeight;
        this.batchSize = batchSize;
        long largest = 0;
        long[] shape = {1, SIZE, SIZE, 3};
        for (Stage s : stages) {
            shape = s.outputShape(shape);
            largest = Math.max(largest, count(shape));
        }
        this.largestStageOutput = largest;
    }

    /**
     * The network of a pytorch-fid state dict (pt_inception-2015-12-05-6726825d.pth's keys: {@code
     * Conv2d_1a_3x3.conv.weight} OIHW, {@code .bn.weight/.bias/.running_mean/.running_var}, ..., {@code fc.weight}
     * (1008, 2048), {@code fc.bias}; {@code num_batches_tracked} entries may be present). Strict: every missing,
     * unexpected or misshapen tensor is named in one IllegalArgumentException that mentions source.
     */
    public static InceptionV3 fromStateDict(Map<String, INDArray> stateDict, String source) {
        StateDict sd = new StateDict(stateDict, source);
        InceptionV3 net = build(sd);
        sd.finish();
        return net;
    }

    public static InceptionV3 fromStateDict(Map<String, INDArray> stateDict) {
        return fromStateDict(stateDict, "the state dict");
    }

    /** Every tensor name and shape the network takes, in build order (566 minus the 94 num_batches_tracked). */
    public static Map<String, long[]> stateDictShapes() {
        StateDict sd = new StateDict(Map.of(), "no file");
        build(sd);
        return sd.expected();
    }

    private static InceptionV3 build(StateDict sd) {
        List<Stage> stages = List.of(
                new BasicConv2d(sd, "Conv2d_1a_3x3", 3, 32, 3, 2, 0),
                new BasicConv2d(sd, "Conv2d_2a_3x3", 32, 32, 3, 1, 0),
                new BasicConv2d(sd, "Conv2d_2b_3x3", 32, 64, 3, 1, 1),
                Pooling.max(2, 0),
                new BasicConv2d(sd, "Conv2d_3b_1x1", 64, 80, 1, 1, 0),
                new BasicConv2d(sd, "Conv2d_4a_3x3", 80, 192, 3, 1, 0),
                Pooling.max(2, 0),
                new InceptionA(sd, "Mixed_5b", 192, 32),
                new InceptionA(sd, "Mixed_5c", 256, 64),
                new InceptionA(sd, "Mixed_5d", 288, 64),
                new InceptionB(sd, "Mixed_6a", 288),
                new InceptionC(sd, "Mixed_6b", 768, 128),
                new InceptionC(sd, "Mixed_6c", 768, 160),
                new InceptionC(sd, "Mixed_6d", 768, 160),
                new InceptionC(sd, "Mixed_6e", 768, 192),
                new InceptionD(sd, "Mixed_7a", 768),
                new InceptionE(sd, "Mixed_7b", 1280, false),
                new InceptionE(sd, "Mixed_7c", 2048, true));
        Stage mixed6d = stages.get(13);
        INDArray fc = sd.take("fc.weight", Features.LOGITS, Features.POOL3);
        sd.take("fc.bias", Features.LOGITS);    // in the file, unused: ADM's softmax takes the MatMul's weight only
        return new InceptionV3(stages, mixed6d, fc.transpose().castTo(DataType.FLOAT).dup('c'), DEFAULT_BATCH_SIZE);
    }

    /**
     * The same network computing this many images at a time; memory grows with it, about 19 MB per image. (64, ADM's,
     * was also the fastest measured: 21-23 images/s at 32 and 64, 21 at 16, 11 at 8, 2 cores.)
     */
    public InceptionV3 withBatchSize(int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        return new InceptionV3(stages, mixed6d, logitsWeight, batchSize);
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * The features of uint8 images (N, H, W, 3), any H and W (each is resized to 299x299 as TF1 does), computed
     * {@link #batchSize()} images at a time. The result's arrays are outside any workspace.
     */
    public Features features(INDArray images) {
        if (images.dataType() != DataType.UINT8 || images.rank() != 4 || images.size(3) != 3 || images.isEmpty()) {
            throw new IllegalArgumentException("images must be uint8 (N, H, W, 3) pixels, got " + images.dataType() + " " + Arrays.toString(images.shape()));
        }
        long n = images.size(0);
        INDArrayIndex all = NDArrayIndex.all();
        try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Features out = new Features(Nd4j.create(DataType.FLOAT, n, Features.POOL3), Nd4j.create(DataType.FLOAT, n, Features.SPATIAL),
                    Nd4j.create(DataType.FLOAT, n, Features.LOGITS));
            for (long start = 0; start < n; start += batchSize) {
                try (MemoryWorkspace ws = workspace(BATCH)) {
                    INDArray batch = images.get(NDArrayIndex.interval(start, Math.min(n, start + batchSize)), all, all, all);
                    INDArray x = Tf1Resize.resize(batch, SIZE, SIZE);
                    x.subi(128).muli(0.0078125);     // the graph's Sub and Mul; (x - 128) / 128 exactly
                    forward(x, out, start);
                }
            }
            return out;
        }
    }

    /** The network on normalized (n, 299, 299, 3) input; writes rows [row, row + n) of out. */
    private void forward(INDArray x, Features out, long row) {
        long n = x.size(0);
        INDArrayIndex rows = NDArrayIndex.interval(row, row + n);
        INDArrayIndex all = NDArrayIndex.all();
        INDArray[] buffers = {Nd4j.createUninitialized(DataType.FLOAT, n * largestStageOutput), Nd4j.createUninitialized(DataType.FLOAT, n * largestStageOutput)};
        INDArray h = x;
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            long[] shape = stage.outputShape(h.shape());
            INDArray next = buffers[i % 2].get(NDArrayIndex.interval(0, count(shape))).reshape('c', shape);
            try (MemoryWorkspace ws = workspace(STAGE)) {
                stage.forward(h, next);
                if (stage == mixed6d) {
                    INDArray mixed6Conv = next.get(all, all, all, NDArrayIndex.interval(0, Features.SPATIAL_CHANNELS)).dup('c');
                    out.spatial().get(rows, all).assign(mixed6Conv.reshape(n, Features.SPATIAL));   // (h, w, c) order
                }
            }
            h = next;
        }
        INDArray pool3 = h.mean(1, 2);
        INDArray logits = Nd4j.createUninitialized(DataType.FLOAT, n, Features.LOGITS);
        Nd4j.gemm(pool3, logitsWeight, logits, false, false, 1.0, 0.0);
        out.pool3().get(rows, all).assign(pool3);
        out.logits().get(rows, all).assign(logits);
    }

    /** Sizes are learned on the first batch and grow if a later one needs more (a larger batch). */
    private static MemoryWorkspace workspace(String id) {
        return Workspaces.growing(id);
    }

    private static long count(long[] shape) {
        long c = 1;
        for (long d : shape) c *= d;
        return c;
    }
}
