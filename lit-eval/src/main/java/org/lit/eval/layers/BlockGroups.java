package org.lit.eval.layers;

import java.util.stream.IntStream;

/**
 * The first / middle / last grouping a similarity matrix suggests ("Transformer layers as
 * painters"): the middle blocks share one representation space, the first and last translate into
 * and out of it. The rule ({@link #RULE}) is simple enough to check by eye on the heatmap.
 */
public record BlockGroups(int depth, int middleFrom, int middleTo, double threshold) {
    public static final String RULE = "middle: the longest run of blocks, leaving at least one block before it and one after it, "
            + "in which every pair's similarity is at least the threshold (by default the mean of the off-diagonal similarities); "
            + "a tie goes to the run with the higher mean similarity. first: the blocks before the middle; last: the blocks after it.";

    public BlockGroups {
        if (middleFrom < 1 || middleTo < middleFrom || middleTo > depth - 2) {
            throw new IllegalArgumentException("middle blocks " + middleFrom + "-" + middleTo + " must leave a first and a last block (depth " + depth + ")");
        }
    }

    /** The grouping of S by {@link #RULE}; threshold null: the mean off-diagonal similarity. */
    public static BlockGroups suggest(double[][] s, Double threshold) {
        int depth = s.length;
        if (depth < 3) throw new IllegalArgumentException("grouping blocks into first / middle / last needs a depth of at least 3, got " + depth);
        double tau = threshold != null ? threshold : meanOffDiagonal(s);
        int bestFrom = -1, bestTo = -1;
        double bestMean = Double.NEGATIVE_INFINITY;
        for (int a = 1; a <= depth - 2; a++) {
            for (int b = a; b <= depth - 2 && withinThreshold(s, a, b, tau); b++) {
                int length = b - a + 1, bestLength = bestTo - bestFrom + 1;
                double mean = mean(s, a, b);
                if (length > bestLength || (length == bestLength && mean > bestMean)) {
                    bestFrom = a;
                    bestTo = b;
                    bestMean = mean;
                }
            }
        }
        return new BlockGroups(depth, bestFrom, bestTo, tau);
    }

    public int[] first() {
        return IntStream.range(0, middleFrom).toArray();
    }

    public int[] middle() {
        return IntStream.rangeClosed(middleFrom, middleTo).toArray();
    }

    public int[] last() {
        return IntStream.range(middleTo + 1, depth).toArray();
    }

    /** The middle as a strategy's range, "A-B". */
    public String middleRange() {
        return middleFrom + "-" + middleTo;
    }

    /** Whether every pair in a..b (a..b-1 having passed already) is at least tau with b. */
    private static boolean withinThreshold(double[][] s, int a, int b, double tau) {
        for (int i = a; i < b; i++) {
            if (s[i][b] < tau) return false;
        }
        return true;
    }

    /** Mean of S over the pairs i != j of a..b; 1 for a single block. */
    private static double mean(double[][] s, int a, int b) {
        if (a == b) return 1.0;
        double sum = 0;
        for (int i = a; i <= b; i++) {
            for (int j = a; j <= b; j++) if (i != j) sum += s[i][j];
        }
        return sum / ((b - a + 1) * (b - a));
    }

    private static double meanOffDiagonal(double[][] s) {
        return mean(s, 0, s.length - 1);
    }
}
