package org.lit.train.allreduce;

import java.util.List;

/**
 * How the workers of a barrier stage find each other and sum their gradients. Each rank first
 * publishes an offer (through the barrier's allGather, never through the driver's data path),
 * then joins with everyone's offers, in rank order.
 */
public interface Transport {
    /** What this rank publishes before joining: the TCP ring's listening address and key share, NCCL's unique id. */
    String offer(int rank);

    /** The collective over all ranks, from the offers of ranks 0..W-1. */
    AllReduce join(int rank, List<String> offers);
}
