package org.lit.eval.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.lit.data.HadoopFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * What `lit layers similarity` writes into its folder: similarity.csv (a header "block,0,1,...",
 * then "i,S[i][0],..." per block, each value as Java prints a double: exact), similarity.png (the
 * heatmap) and groups.json (the grouping, its threshold and rule). groups.json is read back by the
 * sweep's --all-ranges.
 */
public final class SimilarityReport {
    public static final String CSV = "similarity.csv";
    public static final String PNG = "similarity.png";
    public static final String GROUPS = "groups.json";

    private SimilarityReport() {
    }

    /** The three files of a model's matrix S over this many inputs. */
    public static void write(OutputFolder out, double[][] s, BlockGroups groups, String model, int inputs) throws IOException {
        String title = model + ": cosine similarity of block outputs (" + inputs + " inputs)";
        out.write(CSV, o -> {
            Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
            w.write("block");
            for (int j = 0; j < s.length; j++) w.write("," + j);
            w.write("\n");
            for (int i = 0; i < s.length; i++) {
                w.write(Integer.toString(i));
                for (double v : s[i]) w.write("," + v);
                w.write("\n");
            }
            w.flush();
        });
        out.write(PNG, o -> SimilarityHeatmap.write(s, title, o));
        out.write(GROUPS, o -> new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(o, json(groups, s)));
    }

    private static ObjectNode json(BlockGroups g, double[][] s) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("depth", g.depth());
        n.putPOJO("first", g.first());
        n.putPOJO("middle", g.middle());
        n.putPOJO("last", g.last());
        n.put("middle_range", g.middleRange());
        n.put("threshold", g.threshold());
        n.put("rule", BlockGroups.RULE);
        // Adjacent blocks' similarity: where it dips is where the representation turns.
        double[] adjacent = new double[s.length - 1];
        for (int i = 0; i + 1 < s.length; i++) adjacent[i] = s[i][i + 1];
        n.putPOJO("adjacent", adjacent);
        return n;
    }

    /** A groups.json as written above. */
    public static BlockGroups readGroups(String uri) throws IOException {
        JsonNode n;
        Path path = new Path(uri);
        try (InputStream in = HadoopFiles.fileSystem(path, new Configuration()).open(path)) {
            n = new ObjectMapper().readTree(in);
        }
        for (String key : new String[] {"depth", "middle", "threshold"}) {
            if (n == null || !n.has(key)) throw new IllegalArgumentException(uri + ": not a groups.json of `lit layers similarity` (no '" + key + "')");
        }
        JsonNode middle = n.get("middle");
        if (!middle.isArray() || middle.isEmpty()) throw new IllegalArgumentException(uri + ": 'middle' must be a non-empty list of blocks");
        return new BlockGroups(n.get("depth").asInt(), middle.get(0).asInt(), middle.get(middle.size() - 1).asInt(), n.get("threshold").asDouble());
    }
}
