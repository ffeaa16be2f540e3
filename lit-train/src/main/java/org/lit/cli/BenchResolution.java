package org.lit.cli;

import org.lit.bench.Comparison;
import org.lit.bench.Measurement;
import org.lit.bench.TokenFit;
import org.lit.core.config.AttentionConfig;
import org.lit.core.config.ModelConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * `lit bench --resolution`: inference forward time and peak memory of a LiT against a DiT as the
 * image grows (latent side px/8, batch 1), Java and PyTorch. A softmax model whose attention
 * scores alone (heads x tokens² floats) would pass the limit is not run at that size; its time and
 * memory are extrapolated from the sizes that ran as a N + b N² over the token count N.
 */
final class BenchResolution {
    private static final int VAE_FACTOR = 8;
    private static final String ROW = "%6s %7s %11s %11s %12s %12s %9s %9s %12s %12s %13s %13s%n";

    private final BenchCommand bench;

    BenchResolution(BenchCommand bench) {
        this.bench = bench;
    }

    /** One model at one size: both sides' measurements, measured or extrapolated. */
    private record Cell(Comparison.Run run, boolean extrapolated) {
    }

    void print(List<Integer> resolutions, long attentionLimitBytes) {
        String lit = pick(AttentionConfig.Kind.LINEAR), dit = pick(AttentionConfig.Kind.SOFTMAX);
        for (int px : resolutions) {
            if (px <= 0 || px % VAE_FACTOR != 0) throw new IllegalArgumentException("--resolutions: " + px + " px is not a positive multiple of " + VAE_FACTOR);
        }
        System.out.printf("%nresolution: inference forward, batch 1, latents px/%d; LiT = %s, DiT = %s%n", VAE_FACTOR, lit, dit);
        Cell[][] cells = new Cell[2][];
        long[] tokens = new long[resolutions.size()];
        String[] names = {lit, dit};
        List<String> notes = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            cells[m] = new Cell[resolutions.size()];
            for (int i = 0; i < resolutions.size(); i++) {
                int px = resolutions.get(i);
                ModelConfig config = bench.config(names[m], px / VAE_FACTOR);
                tokens[i] = config.tokens();
                long scores = (long) config.numHeads() * config.tokens() * config.tokens() * Float.BYTES;
                if (config.attention().kind() == AttentionConfig.Kind.SOFTMAX && scores > attentionLimitBytes) {
                    System.out.printf("%s at %d px: not run, its attention scores alone would take %.0f MB (%d heads x %d^2 tokens x 4 B), over --attention-limit-mb %d%n",
                            names[m], px, scores / 1e6, config.numHeads(), config.tokens(), attentionLimitBytes / 1_000_000);
                    continue;
                }
                cells[m][i] = new Cell(bench.compare(names[m] + " " + px + "px", "forward", names[m], px / VAE_FACTOR, 1, List.of()).median(), false);
            }
            notes.add(extrapolate(names[m], cells[m], tokens, resolutions));
        }
        System.out.printf(ROW, "px", "tokens", "LiT java s", "DiT java s", "LiT torch s", "DiT torch s", "java x", "torch x",
                "LiT java MB", "DiT java MB", "LiT torch MB", "DiT torch MB");
        for (int i = 0; i < resolutions.size(); i++) {
            Cell l = cells[0][i], d = cells[1][i];
            System.out.printf(ROW, resolutions.get(i), tokens[i], seconds(l, false), seconds(d, false), seconds(l, true), seconds(d, true),
                    speedup(l, d, false), speedup(l, d, true), megabytes(l, false), megabytes(d, false), megabytes(l, true), megabytes(d, true));
        }
        System.out.println("java x, torch x = DiT time / LiT time (LiT's speedup)");
        notes.stream().filter(n -> !n.isEmpty()).forEach(System.out::println);
    }

    /** The model of --models with this attention; exactly one of each kind is needed. */
    private String pick(AttentionConfig.Kind kind) {
        List<String> found = bench.models.stream().filter(n -> bench.config(n, bench.inputSize).attention().kind() == kind).toList();
        if (found.size() != 1 || bench.models.size() != 2) {
            throw new IllegalArgumentException("--resolution compares one LiT (linear attention) against one DiT (softmax): --models needs one of each, got " + bench.models);
        }
        return found.get(0);
    }

    /** Fills the sizes not run from a N + b N² fits of those run; returns the note saying so, or "". */
    private static String extrapolate(String name, Cell[] cells, long[] tokens, List<Integer> resolutions) {
        List<Integer> measured = new ArrayList<>(), missing = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) (cells[i] == null ? missing : measured).add(i);
        if (missing.isEmpty()) return "";
        if (measured.size() < 2) return "-: " + name + " not run at " + sizes(missing, resolutions) + " and not extrapolated (needs two measured sizes)";
        double[] n = measured.stream().mapToDouble(i -> tokens[i]).toArray();
        TokenFit javaTime = fit(cells, measured, n, r -> r.java().seconds()), javaMemory = fit(cells, measured, n, r -> r.java().peakBytes());
        boolean torchRan = measured.stream().allMatch(i -> cells[i].run().torch() != null);
        TokenFit torchTime = torchRan ? fit(cells, measured, n, r -> r.torch().seconds()) : null;
        TokenFit torchMemory = torchRan ? fit(cells, measured, n, r -> r.torch().peakBytes()) : null;
        for (int i : missing) {
            Measurement java = new Measurement(javaTime.at(tokens[i]), (long) javaMemory.at(tokens[i]));
            Measurement torch = torchRan ? new Measurement(torchTime.at(tokens[i]), (long) torchMemory.at(tokens[i])) : null;
            cells[i] = new Cell(new Comparison.Run(java, torch), true);
        }
        return String.format("~: %s extrapolated at %s, not measured: seconds and MB of each side fitted as a*N + b*N^2 (least squares) to its measured token counts N = %s",
                name, sizes(missing, resolutions), Arrays.toString(n).replace(".0", ""));
    }

    private static TokenFit fit(Cell[] cells, List<Integer> measured, double[] n, ToDoubleFunction<Comparison.Run> value) {
        return TokenFit.of(n, measured.stream().mapToDouble(i -> value.applyAsDouble(cells[i].run())).toArray());
    }

    private static String sizes(List<Integer> indices, List<Integer> resolutions) {
        return String.join(", ", indices.stream().map(i -> resolutions.get(i) + " px").toList());
    }

    private static String seconds(Cell c, boolean torch) {
        Measurement m = side(c, torch);
        return m == null ? "-" : (c.extrapolated() ? "~" : "") + BenchCommand.number("%.3f", m.seconds());
    }

    private static String megabytes(Cell c, boolean torch) {
        Measurement m = side(c, torch);
        return m == null ? "-" : (c.extrapolated() ? "~" : "") + BenchCommand.number("%.0f", m.megabytes());
    }

    private static String speedup(Cell lit, Cell dit, boolean torch) {
        Measurement l = side(lit, torch), d = side(dit, torch);
        return l == null || d == null ? "-" : (dit.extrapolated() ? "~" : "") + BenchCommand.number("%.2f", d.seconds() / l.seconds());
    }

    private static Measurement side(Cell c, boolean torch) {
        return c == null ? null : torch ? c.run().torch() : c.run().java();
    }
}
