package org.lit.eval.layers;

import org.lit.core.nn.BlockSchedule;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The strategies a sweep runs: the network as it is ({@link #NETWORK}) first, as the row every other
 * is compared with, then each given one ("skip=4-9;repeat=4-9;loop=4-9:3"). Over all ranges, a
 * strategy's kind (and a loop's K) is kept and its range replaced by every contiguous range of the
 * middle group: single blocks too for skip, at least two blocks for the others (on one block they
 * change nothing).
 */
public final class SweepStrategies {
    public static final String NETWORK = "all";
    private static final Pattern KIND = Pattern.compile("(skip|repeat|reverse|parallel|loop)(=\\d+-\\d+)?(?::(\\d+))?");

    private SweepStrategies() {
    }

    /** The given strategies, each checked against the depth (a bad one is named), after the network. */
    public static List<String> of(String specs, int depth) {
        Set<String> out = new LinkedHashSet<>();
        out.add(NETWORK);
        for (String s : split(specs)) out.add(BlockSchedule.parse(s, depth).toString());
        return new ArrayList<>(out);
    }

    /** Each kind over every contiguous range of the middle group: "skip;loop:3" or full strategies, whose ranges are replaced. */
    public static List<String> overMiddleRanges(String specs, BlockGroups groups) {
        Set<String> out = new LinkedHashSet<>();
        out.add(NETWORK);
        for (String s : split(specs)) {
            Matcher m = KIND.matcher(s);
            if (!m.matches() || (m.group(1).equals("loop") != (m.group(3) != null))) {
                throw new IllegalArgumentException("--all-ranges: strategy '" + s + "' must be a kind (skip, repeat, reverse, parallel, loop:K) or a whole strategy (skip=A-B, loop=A-B:K)");
            }
            String kind = m.group(1);
            int shortest = kind.equals("skip") ? 1 : 2;
            for (int a = groups.middleFrom(); a <= groups.middleTo(); a++) {
                for (int b = a + shortest - 1; b <= groups.middleTo(); b++) {
                    out.add(kind + "=" + a + "-" + b + (kind.equals("loop") ? ":" + m.group(3) : ""));
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** A file name for a strategy: skip=4-9 is skip_4-9, loop=4-9:3 is loop_4-9_x3. */
    public static String fileName(String strategy) {
        return strategy.replace('=', '_').replace(":", "_x");
    }

    private static List<String> split(String specs) {
        List<String> out = new ArrayList<>();
        for (String s : specs.split(";")) {
            if (!s.isBlank()) out.add(s.strip());
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--strategies is empty: give e.g. \"skip=4-9;repeat=4-9\"");
        return out;
    }
}
