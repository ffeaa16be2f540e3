package org.lit.train.allreduce;

/** A failed collective: a peer that stopped answering, closed its link, or never joined. */
public final class AllReduceError extends RuntimeException {
    public AllReduceError(String message) {
        super(message);
    }
}
