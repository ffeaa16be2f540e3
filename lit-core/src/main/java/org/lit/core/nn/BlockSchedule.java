package org.lit.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which transformer blocks run, and how ("Transformer layers as painters"): all in order, or one
 * strategy over an inclusive range A-B of blocks 0..depth-1:
 * <ul>
 * <li>{@code skip=A-B}: A..B are not run;</li>
 * <li>{@code repeat=A-B}: A..B are replaced by block (A+B)/2 run B-A+1 times;</li>
 * <li>{@code reverse=A-B}: A..B run in the order B..A;</li>
 * <li>{@code parallel=A-B}: A..B each run on the same input; their outputs are averaged;</li>
 * <li>{@code loop=A-B:K}: parallel=A-B K times, each on the previous result.</li>
 * </ul>
 * Inference only: training always runs every block in order.
 */
public final class BlockSchedule {
    private static final Pattern SPEC = Pattern.compile("(skip|repeat|reverse|parallel)=(\\d+)-(\\d+)|loop=(\\d+)-(\\d+):(\\d+)");

    /** A run of blocks: in sequence, or (parallel) each on the same input and averaged, loops times. */
    private record Stage(int[] blocks, boolean parallel, int loops) {
    }

    /** One block's forward: its index and input to its output. */
    @FunctionalInterface
    public interface Block {
        INDArray forward(int index, INDArray h);
    }

    private final String spec;
    private final List<Stage> stages;

    private BlockSchedule(String spec, List<Stage> stages) {
        this.spec = spec;
        this.stages = stages;
    }

    /** Every block in order: what the network is. */
    public static BlockSchedule all(int depth) {
        return new BlockSchedule("all", List.of(new Stage(range(0, depth - 1), false, 1)));
    }

    /** A strategy for a model of this depth; null or blank: all. Malformed or out of range: an error naming it and the depth. */
    public static BlockSchedule parse(String spec, int depth) {
        if (spec == null || spec.isBlank()) return all(depth);
        Matcher m = SPEC.matcher(spec.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("layer strategy '" + spec + "' is malformed: expected skip=A-B, repeat=A-B, reverse=A-B, parallel=A-B or loop=A-B:K "
                    + "over blocks 0.." + (depth - 1) + " (depth " + depth + ")");
        }
        boolean loop = m.group(1) == null;
        String kind = loop ? "loop" : m.group(1);
        int a = Integer.parseInt(loop ? m.group(4) : m.group(2)), b = Integer.parseInt(loop ? m.group(5) : m.group(3));
        if (a > b || b >= depth) {
            throw new IllegalArgumentException("layer strategy '" + spec + "': range " + a + "-" + b + " is not within blocks 0.." + (depth - 1)
                    + " (depth " + depth + ", A <= B)");
        }
        List<Stage> stages = new ArrayList<>();
        if (a > 0) stages.add(new Stage(range(0, a - 1), false, 1));
        switch (kind) {
            case "skip" -> { }
            case "repeat" -> {
                int[] same = new int[b - a + 1];
                java.util.Arrays.fill(same, (a + b) / 2);
                stages.add(new Stage(same, false, 1));
            }
            case "reverse" -> {
                int[] backwards = new int[b - a + 1];
                for (int i = 0; i < backwards.length; i++) backwards[i] = b - i;
                stages.add(new Stage(backwards, false, 1));
            }
            case "parallel" -> stages.add(new Stage(range(a, b), true, 1));
            default -> {
                int k = Integer.parseInt(m.group(6));
                if (k < 1) throw new IllegalArgumentException("layer strategy '" + spec + "': K must be at least 1");
                stages.add(new Stage(range(a, b), true, k));
            }
        }
        if (b < depth - 1) stages.add(new Stage(range(b + 1, depth - 1), false, 1));
        return new BlockSchedule(spec.strip(), stages);
    }

    /** Whether every block runs once, in order. */
    public boolean isAll() {
        return spec.equals("all");
    }

    /** Runs the schedule from the embedded tokens h. */
    public INDArray run(INDArray h, Block block) {
        for (Stage s : stages) {
            for (int loop = 0; loop < s.loops(); loop++) {
                if (!s.parallel()) {
                    for (int i : s.blocks()) h = block.forward(i, h);
                    continue;
                }
                INDArray in = h;
                INDArray sum = block.forward(s.blocks()[0], in);
                for (int j = 1; j < s.blocks().length; j++) sum.addi(block.forward(s.blocks()[j], in));
                h = s.blocks().length == 1 ? sum : sum.divi(s.blocks().length);   // a single block: its output, bit for bit
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return spec;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[Math.max(0, to - from + 1)];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
