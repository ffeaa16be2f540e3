package org.lit.train;

import org.lit.train.allreduce.AllReduce;
import org.lit.train.allreduce.RingAllReduce;

/**
 * This trainer's place in a data-parallel job: the all-reduce that joins it to the other workers
 * (its rank and the world size) and which attempt of the Spark stage it runs in.
 */
public record Worker(AllReduce allReduce, int attempt) {
    /** A job of one worker, as the in-process trainer and a single-task run are. */
    public static Worker alone() {
        return new Worker(RingAllReduce.alone(), 0);
    }

    public int rank() {
        return allReduce.rank();
    }

    public int world() {
        return allReduce.worldSize();
    }

    /** Rank 0 writes metrics, checkpoints and samples; the others only train. */
    public boolean leader() {
        return rank() == 0;
    }
}
