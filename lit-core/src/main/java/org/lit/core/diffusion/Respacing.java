package org.lit.core.diffusion;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which of the T original timesteps a sampler visits, as the reference's space_timesteps:
 * "250" (evenly spaced, accumulated float stride, Python round = half-to-even), "ddim25" (the
 * integer stride giving exactly 25 steps), or sections "10,5" (10 steps in the first half, 5 in
 * the second). An empty spec keeps every step.
 */
public final class Respacing {
    private Respacing() {
    }

    public static int[] steps(int numTimesteps, String spec) {
        if (spec == null || spec.isBlank()) return range(0, numTimesteps, 1);
        spec = spec.trim();
        if (spec.startsWith("ddim")) {
            int desired = parse(spec.substring(4), spec);
            for (int stride = 1; stride < numTimesteps; stride++) {
                if ((numTimesteps + stride - 1) / stride == desired) return range(0, numTimesteps, stride);
            }
            throw new IllegalArgumentException("cannot create exactly " + desired + " steps with an integer stride from " + numTimesteps);
        }
        String[] parts = spec.split(",");
        List<Integer> counts = new ArrayList<>();
        for (String p : parts) counts.add(parse(p.trim(), spec));
        int sizePer = numTimesteps / counts.size();
        int extra = numTimesteps % counts.size();
        TreeSet<Integer> all = new TreeSet<>();
        int start = 0;
        for (int i = 0; i < counts.size(); i++) {
            int size = sizePer + (i < extra ? 1 : 0);
            int count = counts.get(i);
            if (size < count) throw new IllegalArgumentException("cannot divide a section of " + size + " steps into " + count + " (respacing '" + spec + "')");
            double stride = count <= 1 ? 1 : (size - 1) / (double) (count - 1);
            double cur = 0;
            for (int k = 0; k < count; k++) {
                all.add(start + (int) Math.rint(cur));
                cur += stride;
            }
            start += size;
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int parse(String s, String spec) {
        try {
            int v = Integer.parseInt(s);
            if (v <= 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad timestep respacing '" + spec + "'; expected e.g. \"250\", \"ddim25\" or \"10,5\"");
        }
    }

    private static int[] range(int from, int to, int stride) {
        int[] out = new int[(to - from + stride - 1) / stride];
        for (int i = 0; i < out.length; i++) out[i] = from + i * stride;
        return out;
    }
}
