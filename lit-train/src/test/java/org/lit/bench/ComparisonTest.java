package org.lit.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lit bench's --repeat: alternating sides, the run of median ratio as the row, the ratios' range beside it. */
class ComparisonTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

    @Test
    void theRunOfMedianRatioStandsForAll() {
        Iterator<Measurement> java = List.of(new Measurement(3, 300), new Measurement(1, 100), new Measurement(2, 200)).iterator();
        Iterator<Measurement> torch = List.of(new Measurement(1, 100), new Measurement(1, 100), new Measurement(1, 100)).iterator();
        Comparison c = Comparison.alternate("m", 3, java::next, torch::next, out);
        assertEquals(2.0, c.median().ratio(), 0);
        assertEquals(2.0, c.median().memoryRatio(), 0);
        assertEquals(1.0, c.lowestRatio(), 0);
        assertEquals(3.0, c.highestRatio(), 0);
        assertEquals("  (ratios 1.00-3.00 over 3 runs)", c.rangeNote());
        assertEquals(3, log.toString(StandardCharsets.UTF_8).split("\n").length, log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailedPyTorchRunLeavesItJavaOnly() {
        Comparison c = Comparison.alternate("m", 1, () -> new Measurement(0.5, 10), () -> {
            throw new IllegalStateException("no torch here");
        }, out);
        assertNull(c.median().torch());
        assertTrue(Double.isNaN(c.median().ratio()) && Double.isNaN(c.median().memoryRatio()));
        assertEquals(0.5, c.median().java().seconds(), 0);
        assertEquals("", c.rangeNote());
        assertEquals("PyTorch baseline failed for m: no torch here\n", log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutPyTorchTheMedianJavaTimeStands() {
        Iterator<Measurement> java = List.of(new Measurement(5, 1), new Measurement(4, 1), new Measurement(6, 1)).iterator();
        Comparison c = Comparison.alternate("m", 3, java::next, null, out);
        assertEquals(5, c.median().java().seconds(), 0);
        assertEquals("", c.rangeNote());
    }
}
