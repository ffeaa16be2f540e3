package org.lit.bench;

import org.junit.jupiter.api.Test;
import org.lit.core.config.ConfigError;
import org.lit.core.config.Configs;
import org.lit.train.ParallelConfig;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The all-reduce benchmark runs the transport train.allreduce.transport picks: the TCP ring here; NCCL is refused on the CPU build. */
class AllReduceBenchmarkTest {
    private static ParallelConfig parallel(String transport) {
        return ParallelConfig.from(Configs.load(null, List.of("train.allreduce.transport=" + transport, "train.allreduce.timeout=30s")));
    }

    @Test
    void theTcpRingSumsOnThreeRanks() {
        double seconds = AllReduceBenchmark.sumSeconds(parallel("auto"), 3, 100_000, 2);
        assertTrue(seconds > 0 && seconds < 30, seconds + " s");
    }

    @Test
    void ncclNeedsTheCudaBuild() {
        ConfigError e = assertThrows(ConfigError.class, () -> AllReduceBenchmark.sumSeconds(parallel("nccl"), 2, 1000, 1));
        assertEquals("train.allreduce.transport", e.key());
    }
}
