package org.lit.core;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J workspaces of inference passes (the VAE's blocks, the Inception's stages). */
public final class Workspaces {
    /**
     * Learns its size on the first pass (10% over), grows (REALLOCATE) when a later, larger block
     * or batch needs more, and is reset each time its scope closes: the same memory serves every
     * pass instead of fresh arrays for each.
     */
    private static final WorkspaceConfiguration GROWING = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.1)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private Workspaces() {
    }

    /** Opens (activates) the growing workspace of this id on the current thread. */
    public static MemoryWorkspace growing(String id) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(GROWING, id);
    }
}
