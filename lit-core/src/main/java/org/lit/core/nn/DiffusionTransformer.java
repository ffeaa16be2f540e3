package org.lit.core.nn;

import org.lit.core.config.AttentionConfig;
import org.lit.core.config.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DiT (Peebles and Xie) and, with linear attention in every block, LiT. Parameters keep PyTorch's
 * names and live in one flat buffer ({@link #parameters()}); forward/backward are explicit formulas
 * on ND4J ops, so the same code runs on the CPU and CUDA backends.
 */
public final class DiffusionTransformer {
    /** forward_with_cfg guides only the first three output channels, a kept quirk of the reference. */
    public static final int GUIDED_CHANNELS = 3;

    private final ModelConfig config;
    private final ParameterSet params;
    private final long parameterCount;
    private final Param posEmbed;
    private final PatchEmbed xEmbedder;
    private final TimestepEmbedder tEmbedder;
    private final LabelEmbedder yEmbedder;
    private final List<DiTBlock> blocks = new ArrayList<>();
    /** Where blocks.i starts in the flat buffer; the last entry is where final_layer starts. */
    private final long[] blockStarts;
    private BlockSchedule schedule;
    private final FinalLayer finalLayer;
    private long batch;
    private INDArray condition;

    public DiffusionTransformer(ModelConfig config, DataType dtype) {
        this(config, dtype, true);
    }

    /** Shape and cost of a model without allocating its weights (DiT-XL/2 is 2.7 GB in float32). */
    public static ModelInfo info(ModelConfig config) {
        DiffusionTransformer layout = new DiffusionTransformer(config, DataType.FLOAT, false);
        return new ModelInfo(config, layout.parameterCount, layout.macsPerSample());
    }

    private DiffusionTransformer(ModelConfig config, DataType dtype, boolean allocate) {
        this.config = config;
        long d = config.hiddenSize();
        ParameterSet.Builder b = new ParameterSet.Builder();
        // Registration order is PyTorch's state-dict order: own parameters first, then children.
        posEmbed = b.add("pos_embed", false, 1, config.tokens(), d);
        posEmbed.initWith(PositionalEmbedding.initializer(config.hiddenSize(), config.gridSize()));
        xEmbedder = new PatchEmbed(b, "x_embedder.proj", config.inChannels(), config.patchSize(), d);
        tEmbedder = new TimestepEmbedder(b, "t_embedder", d);
        yEmbedder = new LabelEmbedder(b, "y_embedder", d, config.numClasses(), config.hasNullClass());
        AttentionConfig a = config.attention();
        DiTBlock.AttentionFactory attention = a.kind() == AttentionConfig.Kind.SOFTMAX
                ? (p, name) -> new SoftmaxAttention(p, name, d, config.numHeads())
                : (p, name) -> new LinearAttention(p, name, d, a.heads(), a.kernelSize());
        blockStarts = new long[config.depth() + 1];
        for (int i = 0; i < config.depth(); i++) {
            blockStarts[i] = b.size();
            blocks.add(new DiTBlock(b, "blocks." + i, d, config.mlpRatio(), attention));
        }
        blockStarts[config.depth()] = b.size();
        this.schedule = BlockSchedule.all(config.depth());
        finalLayer = new FinalLayer(b, "final_layer", d, config.patchSize(), config.outChannels());
        parameterCount = b.size();
        params = allocate ? b.allocate(dtype) : null;
    }

    public ModelConfig config() {
        return config;
    }

    public ParameterSet parameters() {
        return params;
    }

    /** The blocks inference runs, and how (a layer strategy); every block in order unless set. */
    public void setSchedule(BlockSchedule schedule) {
        this.schedule = schedule;
    }

    public int nullClass() {
        return yEmbedder.nullClass();
    }

    /** Inference forward: x (N, C, H, W), t (N) original timesteps 0..999, y (N) labels. */
    public INDArray forward(INDArray x, int[] t, int[] y) {
        return run(x, t, y, false);
    }

    /** Forward that keeps what {@link #backward} needs. */
    public INDArray forwardForTraining(INDArray x, int[] t, int[] y) {
        return run(x, t, y, true);
    }

    /**
     * The hidden states (N, T, D) after each block, every block run once in order (whatever the
     * schedule): what layer analysis compares.
     */
    public List<INDArray> blockStates(INDArray x, int[] t, int[] y) {
        checkInputs(x, t, y);
        INDArray h = embed(x, false);
        INDArray siluC = Activations.silu(condition(t, y, false));
        List<INDArray> states = new ArrayList<>(blocks.size());
        for (DiTBlock block : blocks) {
            h = block.forward(h, siluC, false);
            states.add(h.reshape('c', x.size(0), config.tokens(), config.hiddenSize()));
        }
        return states;
    }

    private INDArray run(INDArray x, int[] t, int[] y, boolean keep) {
        checkInputs(x, t, y);
        long n = x.size(0);
        INDArray h = embed(x, keep);
        INDArray c = condition(t, y, keep);
        INDArray siluC = Activations.silu(c);
        if (keep && !schedule.isAll()) throw new IllegalStateException("training runs every block; the layer strategy " + schedule + " is for inference");
        h = schedule.run(h, (i, in) -> keep ? blocks.get(i).forward(in, siluC, true) : inferBlock(i, in, siluC));
        INDArray out = finalLayer.forward(h, siluC, keep);
        if (keep) {
            batch = n;
            condition = c;
        }
        return PatchEmbed.unpatchify(out, n, config.patchSize(), config.outChannels());
    }

    /** One block at inference, its temporaries gone with its scope: only the output moves up to the caller's. */
    private INDArray inferBlock(int i, INDArray h, INDArray siluC) {
        try (MemoryWorkspace ws = StepScope.openBlock()) {
            return blocks.get(i).forward(h, siluC, false).leverage();
        }
    }

    /** Patch tokens plus the positional embedding, (N, T, D). */
    private INDArray embed(INDArray x, boolean keep) {
        long n = x.size(0);
        INDArray h = xEmbedder.forward(x.castTo(params.dataType()), keep);
        h.reshape('c', n, h.length() / n).addiRowVector(posEmbed.value().reshape(1, h.length() / n));
        return h;
    }

    /** c = t_embedder(t) + y_embedder(y), (N, D). */
    private INDArray condition(int[] t, int[] y, boolean keep) {
        return tEmbedder.forward(t, params.dataType(), keep).addi(yEmbedder.forward(y, keep));
    }

    /** Accumulates d(loss)/d(parameters) into the flat gradient buffer, given d(loss)/d(output). */
    public void backward(INDArray dOut) {
        backward(dOut, GradientListener.NONE);
    }

    /**
     * The same, telling the listener as each module's gradient range becomes final: final_layer's,
     * then every block's from the last to the first, then [0, blocks.0) at the very end (pos_embed
     * and the embedders: every block adds to the conditioning gradient).
     */
    public void backward(INDArray dOut, GradientListener done) {
        if (condition == null) throw new IllegalStateException("backward needs a forwardForTraining first");
        INDArray[] g = finalLayer.backward(PatchEmbed.patchifyOutput(dOut.castTo(params.dataType()), config.patchSize()));
        done.finished(blockStarts[blocks.size()], parameterCount);
        INDArray dh = g[0];
        INDArray dSiluC = g[1];
        for (int i = blocks.size() - 1; i >= 0; i--) {
            // The block's temporaries live only as long as its backward; dh and dSiluC carry over in place.
            try (MemoryWorkspace ws = StepScope.openBlock()) {
                INDArray[] gb = blocks.get(i).backward(dh);
                dh.assign(gb[0]);
                dSiluC.addi(gb[1]);
            }
            done.finished(blockStarts[i], blockStarts[i + 1]);     // outside the block's scope: the listener may keep arrays
        }
        INDArray dc = Activations.siluBackward(condition, dSiluC);
        tEmbedder.backward(dc);
        yEmbedder.backward(dc);
        xEmbedder.backward(dh);
        done.finished(0, blockStarts[0]);
        condition = null;
    }

    /**
     * forward_with_cfg: the batch is [z; z] with labels [y; null]. Both halves run on the first
     * half's inputs; channels 0..2 are guided, uncond + s (cond - uncond), the rest passes through.
     */
    public INDArray forwardWithCfg(INDArray x, int[] t, int[] y, double scale) {
        long n = x.size(0);
        if (n % 2 != 0) throw new IllegalArgumentException("classifier-free guidance needs an even batch ([cond; uncond]), got " + n);
        long half = n / 2;
        INDArray first = x.get(NDArrayIndex.interval(0, half), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray out = forward(Nd4j.concat(0, first, first), t, y);
        long guided = Math.min(GUIDED_CHANNELS, out.size(1));
        INDArray cond = guidedPart(out, 0, half, guided).dup();
        INDArray uncond = guidedPart(out, half, n, guided).dup();
        INDArray mixed = cond.subi(uncond).muli(scale).addi(uncond);
        guidedPart(out, 0, half, guided).assign(mixed);
        guidedPart(out, half, n, guided).assign(mixed);
        return out;
    }

    private static INDArray guidedPart(INDArray out, long from, long to, long channels) {
        return out.get(NDArrayIndex.interval(from, to), NDArrayIndex.interval(0, channels), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private void checkInputs(INDArray x, int[] t, int[] y) {
        long[] want = {x.rank() == 4 ? x.size(0) : -1, config.inChannels(), config.inputSize(), config.inputSize()};
        if (x.rank() != 4 || !Arrays.equals(x.shape(), want)) {
            throw new IllegalArgumentException("input x has shape " + Arrays.toString(x.shape()) + ", " + config.name()
                    + " expects (N, " + config.inChannels() + ", " + config.inputSize() + ", " + config.inputSize() + ")");
        }
        if (t.length != x.size(0)) throw new IllegalArgumentException("t has " + t.length + " entries for a batch of " + x.size(0));
        if (y.length != x.size(0)) throw new IllegalArgumentException("y has " + y.length + " entries for a batch of " + x.size(0));
    }

    /** Multiply-accumulates of one forward pass of one sample: the "GFLOPs" the DiT paper prints. */
    public long macsPerSample() {
        long tokens = config.tokens(), d = config.hiddenSize();
        long macs = xEmbedder.macsPerSample(tokens) + tEmbedder.macsPerSample(d)
                + 2 * d * d + tokens * d * (long) config.patchSize() * config.patchSize() * config.outChannels();
        for (DiTBlock block : blocks) macs += block.macsPerSample(tokens, d);
        return macs;
    }
}
