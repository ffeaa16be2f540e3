package org.lit.eval.layers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepStrategiesTest {
    @Test
    void theNetworkComesFirstAndRepeatsAreDropped() {
        assertEquals(List.of("all", "skip=4-9", "loop=4-9:3"), SweepStrategies.of(" skip=4-9 ;loop=4-9:3;skip=4-9;", 12));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepStrategies.of("skip=4-12", 12));
        assertTrue(e.getMessage().contains("'skip=4-12'") && e.getMessage().contains("depth 12"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SweepStrategies.of(" ; ", 12));
    }

    @Test
    void overMiddleRangesKeepsTheKindAndReplacesTheRange() {
        BlockGroups g = new BlockGroups(8, 3, 5, 0.9);
        assertEquals(List.of("all", "repeat=3-4", "repeat=3-5", "repeat=4-5", "skip=3-3", "skip=3-4", "skip=3-5", "skip=4-4", "skip=4-5", "skip=5-5"),
                SweepStrategies.overMiddleRanges("repeat=1-7;skip", g));
        assertEquals(List.of("all", "loop=3-4:4", "loop=3-5:4", "loop=4-5:4"), SweepStrategies.overMiddleRanges("loop=0-1:4", g));
        for (String bad : new String[] {"loop", "skip:2", "jump", "skip=1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepStrategies.overMiddleRanges(bad, g), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertEquals("loop_3-5_x4", SweepStrategies.fileName("loop=3-5:4"));
    }
}
