package org.lit.core.vae;

import org.lit.core.Workspaces;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Inference memory of the VAE: a network of stages (a level, the mid block), each a chain of blocks.
 * Each block runs in a block workspace that is reset for the next block, and only its output is
 * copied out to the stage's workspace; a stage's output likewise to the forward pass's. So the
 * temporaries of a 256px decode (padded grids, GroupNorm statistics in double, attention scores)
 * reuse the same few hundred MB every block instead of faulting in fresh memory for each array,
 * and what a pass keeps is one output per block of one stage.
 *
 * <p>Workspaces learn their size on the first pass and grow (REALLOCATE) when a later, larger
 * block or batch needs more, so the block workspace ends as large as the largest block.
 */
final class Scopes {
    static final String FORWARD = "lit-vae-forward";
    private static final String STAGE = "lit-vae-stage";
    private static final String BLOCK = "lit-vae-block";

    private Scopes() {
    }

    /** The workspace of a whole encode or decode; detach what must outlive it. */
    static MemoryWorkspace forward() {
        return open(FORWARD);
    }

    /** Runs the stages in order (inside {@link #forward()}), each block in its own reset scope. */
    static Planes run(List<List<UnaryOperator<Planes>>> stages, Planes x) {
        for (List<UnaryOperator<Planes>> stage : stages) {
            try (MemoryWorkspace ws = open(STAGE)) {
                for (UnaryOperator<Planes> block : stage) {
                    try (MemoryWorkspace inner = open(BLOCK)) {
                        x = block.apply(x).leverageTo(STAGE);
                    }
                }
                x = x.leverageTo(FORWARD);
            }
        }
        return x;
    }

    private static MemoryWorkspace open(String id) {
        return Workspaces.growing(id);
    }
}
