package org.lit.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The a N + b N² fit that extrapolates a softmax model's time and memory to token counts too large to run. */
class TokenFitTest {
    @Test
    void recoversExactCoefficientsAndExtrapolates() {
        double[] n = {256, 1024, 4096};
        double[] y = new double[n.length];
        for (int i = 0; i < n.length; i++) y[i] = 3e-4 * n[i] + 2e-8 * n[i] * n[i];
        TokenFit fit = TokenFit.of(n, y);
        assertEquals(3e-4, fit.a(), 3e-4 * 1e-9);
        assertEquals(2e-8, fit.b(), 2e-8 * 1e-9);
        double at16k = 3e-4 * 16384 + 2e-8 * 16384.0 * 16384;
        assertEquals(at16k, fit.at(16384), at16k * 1e-9);
    }

    @Test
    void leastSquaresOverNoisyPoints() {
        // y = N + N² with the middle point 10% high: the fit passes between, not through, the points.
        double[] n = {1, 2, 3};
        double[] y = {2, 6 * 1.1, 12};
        TokenFit fit = TokenFit.of(n, y);
        // Normal equations solved by hand: [14 36; 36 98] [a b] = [2+13.2+36, 2+26.4+108].
        double det = 14 * 98 - 36 * 36;
        assertEquals((51.2 * 98 - 136.4 * 36) / det, fit.a(), 1e-12);
        assertEquals((14 * 136.4 - 36 * 51.2) / det, fit.b(), 1e-12);
    }

    @Test
    void oneTokenCountCannotFitTwoCoefficients() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenFit.of(new double[] {256, 256}, new double[] {1, 1}));
        assertEquals(true, e.getMessage().contains("two or more distinct token counts"), e.getMessage());
    }
}
