package org.lit.train;

/**
 * Which samples each step takes: every epoch is a permutation of the data set drawn from
 * (seed, epoch), cut into whole global batches (a last partial batch is dropped, as DiT's
 * drop_last); rank r of W computes positions [r·B/W, (r+1)·B/W) of each global batch B. What a
 * position holds depends on neither W nor any earlier run, so resumed and re-sharded runs agree.
 */
final class BatchPlan {
    private final long seed;
    private final int size;
    private final int globalBatch;
    private final int perEpoch;
    private final int first;
    private final int share;
    private int[] order;
    private long orderEpoch = -1;

    BatchPlan(long seed, int datasetSize, int globalBatch, int world, int rank) {
        this.seed = seed;
        this.size = datasetSize;
        this.globalBatch = globalBatch;
        this.perEpoch = datasetSize / globalBatch;
        this.share = globalBatch / world;
        this.first = rank * share;
    }

    /** This rank's positions of every global batch: [first, first + share). */
    int first() {
        return first;
    }

    int share() {
        return share;
    }

    /** The data set index at a position of a step's global batch. */
    int sample(long step, int position) {
        return order(step)[(int) (step % perEpoch) * globalBatch + position];
    }

    /** This rank's samples of a step, in position order. */
    int[] rankSamples(long step) {
        int base = (int) (step % perEpoch) * globalBatch + first;
        return java.util.Arrays.copyOfRange(order(step), base, base + share);
    }

    /** The permutation of the epoch that holds a step (kept: an ImageNet permutation is 1.28M draws). */
    private int[] order(long step) {
        long epoch = step / perEpoch;
        if (epoch != orderEpoch) {
            order = SampleDraws.epochOrder(seed, epoch, size);
            orderEpoch = epoch;
        }
        return order;
    }
}
