package org.lit.distill;

import org.lit.core.nn.Param;
import org.lit.core.nn.ParameterSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LiT's weight inheritance (REFERENCE.md 6.4): a LiT student starts from a pretrained DiT with the
 * patch embedding, timestep and label embedders, positional embedding, every adaLN modulation, every
 * MLP and the final layer copied, and its attention (q, kv, proj, dwc) from the reference's fresh
 * initialisation. For the paper's ablations any of Q, K, V, O can be taken from the teacher's fused
 * qkv (rows 0..D-1 = Q, D..2D-1 = K, 2D..3D-1 = V) and proj; the depth-wise conv is always fresh.
 */
public final class Inheritance {
    /** The attention projections that may be loaded from the teacher. */
    public enum Piece { Q, K, V, O }

    /** One student tensor: where its values came from, and its shape. */
    public record Row(String name, String source, long[] shape) {
        public boolean copied() {
            return !source.equals("fresh");
        }
    }

    private Inheritance() {
    }

    /** Parses "q,k,v,o" (any subset, any case; empty = none). */
    public static Set<Piece> pieces(String list) {
        Set<Piece> out = EnumSet.noneOf(Piece.class);
        for (String s : list.split(",")) {
            if (s.isBlank()) continue;
            try {
                out.add(Piece.valueOf(s.trim().toUpperCase()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("attention piece '" + s.trim() + "' is not one of q, k, v, o");
            }
        }
        return out;
    }

    /**
     * Fills the student: fresh initialisation from the seed, then the teacher's tensors. Every
     * student tensor outside attention must exist in the teacher with the same shape, and every
     * teacher tensor outside attention must have a place in the student; all that do not are
     * listed in one error (another width, depth or patch size).
     */
    public static List<Row> apply(ParameterSet student, Map<String, INDArray> teacher, Set<Piece> fromTeacher, long seed, String source) {
        student.initialize(seed);
        List<Row> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Param p : student.params()) {
            String from;
            if (isAttention(p.name)) {
                from = attention(p, teacher, fromTeacher, used, problems);
            } else {
                INDArray t = teacher.get(p.name);
                if (t == null) {
                    problems.add(p.name + ": not in the teacher");
                    continue;
                }
                used.add(p.name);
                if (!Arrays.equals(t.shape(), p.shape)) {
                    problems.add(p.name + ": teacher " + Arrays.toString(t.shape()) + ", student " + Arrays.toString(p.shape));
                    continue;
                }
                p.value().assign(t.castTo(p.value().dataType()));
                from = "copied";
            }
            rows.add(new Row(p.name, from, p.shape));
        }
        for (String k : teacher.keySet()) {
            if (!used.contains(k) && !isAttention(k)) problems.add(k + ": in the teacher, not in the student");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the teacher " + source + " does not fit the student (another width, depth or patch size?); "
                    + problems.size() + " tensor(s):\n  " + String.join("\n  ", problems));
        }
        return rows;
    }

    static boolean isAttention(String name) {
        return name.contains(".attn.");
    }

    /** q from qkv rows [0, D); kv rows [0, D) = K from qkv [D, 2D), rows [D, 2D) = V from qkv [2D, 3D); proj as is. */
    private static String attention(Param p, Map<String, INDArray> teacher, Set<Piece> fromTeacher, Set<String> used, List<String> problems) {
        String prefix = p.name.substring(0, p.name.indexOf(".attn.") + ".attn.".length());
        String part = p.name.substring(prefix.length());                 // q.weight, kv.bias, proj.weight, dwc.weight ...
        String suffix = part.substring(part.indexOf('.'));               // .weight or .bias
        List<String> sources = new ArrayList<>();
        if (part.startsWith("proj.") && fromTeacher.contains(Piece.O)) {
            INDArray t = teacher.get(p.name);
            if (t == null || !Arrays.equals(t.shape(), p.shape)) {
                problems.add(p.name + ": O needs the teacher's " + p.name + (t == null ? " (absent)" : " " + Arrays.toString(t.shape())));
                return "fresh";
            }
            p.value().assign(t.castTo(p.value().dataType()));
            return "copied";
        }
        boolean isQ = part.startsWith("q."), isKv = part.startsWith("kv.");
        if (!isQ && !isKv) return "fresh";
        long d = isQ ? p.shape[0] : p.shape[0] / 2;
        String qkvName = prefix + "qkv" + suffix;
        // destination rows of p, and the qkv rows they come from, for each requested piece
        long[][] moves = isQ ? new long[][] {{fromTeacher.contains(Piece.Q) ? 1 : 0, 0, 0}}
                : new long[][] {{fromTeacher.contains(Piece.K) ? 1 : 0, 0, d}, {fromTeacher.contains(Piece.V) ? 1 : 0, d, 2 * d}};
        for (long[] m : moves) {
            if (m[0] == 0) continue;
            INDArray qkv = teacher.get(qkvName);
            if (qkv == null || qkv.size(0) != 3 * d || (p.shape.length == 2 && qkv.size(1) != p.shape[1])) {
                problems.add(p.name + ": needs the teacher's " + qkvName + " of " + 3 * d + " rows" + (qkv == null ? " (absent)" : ", found " + Arrays.toString(qkv.shape())));
                return "fresh";
            }
            used.add(qkvName);
            INDArray rows = qkv.get(NDArrayIndex.interval(m[2], m[2] + d));
            p.value().get(NDArrayIndex.interval(m[1], m[1] + d)).assign(rows.castTo(p.value().dataType()));
            sources.add(qkvName + "[" + m[2] + ":" + (m[2] + d) + "]");
        }
        return sources.isEmpty() ? "fresh" : "teacher " + String.join(" + ", sources) + (isKv && sources.size() == 1 ? " (other half fresh)" : "");
    }
}
