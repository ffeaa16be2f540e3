package org.lit.eval.inception;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFileException;
import org.lit.core.io.TensorFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;
import org.tensorflow.framework.AttrValue;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;
import org.tensorflow.framework.TensorProto;

import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fixtures from tools/reference/make_inception_fixtures.py: one tiny pytorch-fid state dict (every real
 * name and kernel size, 2 in / 3 out channels) as a GraphDef with the real node names (written by
 * inception_to_graphdef.py), a legacy and a zip torch.save file, and the expected tensors.
 */
class InceptionWeightsTest {
    private static final Path PB = Fixtures.file("inception_tiny.pb");

    @Test
    void expectedShapesAreTorchvisionsFid1008ClassStateDict() throws Exception {
        JsonNode reference = new ObjectMapper().readTree(Fixtures.file("inception_fid_shapes.json").toFile());
        Map<String, long[]> shapes = InceptionWeights.expectedShapes();
        assertEquals(566, reference.size());
        assertEquals(reference.size(), shapes.size());
        List<String> names = new ArrayList<>(shapes.keySet());
        for (int i = 0; i < reference.size(); i++) {
            JsonNode entry = reference.get(i);
            assertEquals(entry.get(0).asText(), names.get(i), "entry " + i);
            long[] shape = new long[entry.get(1).size()];
            for (int d = 0; d < shape.length; d++) shape[d] = entry.get(1).get(d).asLong();
            assertArrayEquals(shape, shapes.get(names.get(i)), names.get(i));
        }
        assertEquals(94, names.stream().filter(k -> k.endsWith(".num_batches_tracked")).count());
        long parameters = shapes.values().stream().filter(s -> s.length > 0).mapToLong(s -> Arrays.stream(s).reduce(1, (a, b) -> a * b)).sum();
        assertEquals(23_885_392, parameters);
    }

    @Test
    void graphDefLegacyAndZipFilesGiveTheExpectedWeightsExactly() {
        Map<String, INDArray> expected = TensorFiles.read(Fixtures.file("inception_tiny_expected.npz"));
        assertEquals(472, expected.size());
        for (String file : new String[] {"inception_tiny.pb", "inception_tiny_legacy.pth", "inception_tiny.pth"}) {
            Map<String, INDArray> read = InceptionWeights.read(Fixtures.file(file));
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(read.keySet()), file + ": names and order, num_batches_tracked dropped");
            read.forEach((k, v) -> assertExactly(expected.get(k), v, file + " " + k));
        }
    }

    @Test
    void graphDefLayoutsAndValueFormsAreConverted() throws Exception {
        Map<String, INDArray> w = InceptionWeights.read(PB);
        GraphDef graph = GraphDef.parseFrom(Files.readAllBytes(PB));
        // HWIO [1, 7, 2, 3] in the graph -> OIHW [3, 2, 1, 7]: element [o, i, 0, x] is HWIO [0, x, i, o]
        float[] hwio = floats(graph, "mixed_4/tower/conv_1/conv2d_params");
        INDArray oihw = w.get("Mixed_6b.branch7x7_2.conv.weight");
        assertArrayEquals(new long[] {3, 2, 1, 7}, oihw.shape());
        for (int o = 0; o < 3; o++) for (int i = 0; i < 2; i++) for (int x = 0; x < 7; x++) {
            assertEquals(hwio[(x * 2 + i) * 3 + o], oihw.getFloat(o, i, 0, x), 0f, "[" + o + "," + i + ",0," + x + "]");
        }
        // softmax/weights [features, classes] -> fc.weight [classes, features]
        assertArrayEquals(new long[] {5, 4}, w.get("fc.weight").shape());
        assertEquals(floats(graph, "softmax/weights")[1 * 5 + 3], w.get("fc.weight").getFloat(3, 1), 0f);
        // float_val forms: every value (a 4-D conv weight, a vector), and one value repeated over the shape
        assertEquals(5, node(graph, "softmax/biases").getAttrOrThrow("value").getTensor().getFloatValCount());
        assertEquals(1, node(graph, "conv/batchnorm/gamma").getAttrOrThrow("value").getTensor().getFloatValCount());
        assertExactly(Nd4j.ones(DataType.FLOAT, 3), w.get("Conv2d_1a_3x3.bn.weight"), "broadcast gamma");
        assertEquals(3 * 2, node(graph, "mixed_10/tower_2/conv/conv2d_params").getAttrOrThrow("value").getTensor().getFloatValCount());
        // scale_after_normalization=false: TF ignores the gamma node (2.5 here), so bn.weight is ones
        NodeDef bn = node(graph, "conv_1/batchnorm");
        assertFalse(bn.getAttrOrThrow("scale_after_normalization").getB());
        assertEquals(2.5f, floats(graph, "conv_1/batchnorm/gamma")[0]);
        assertExactly(Nd4j.ones(DataType.FLOAT, 3), w.get("Conv2d_2a_3x3.bn.weight"), "gamma ignored");
        // scale_after_normalization=true: gamma is bn.weight
        assertTrue(node(graph, "conv_3/batchnorm").getAttrOrThrow("scale_after_normalization").getB());
        assertArrayEquals(floats(graph, "conv_3/batchnorm/gamma"), w.get("Conv2d_3b_1x1.bn.weight").data().asFloat(), 0f);
        assertEquals(0.001f, bn.getAttrOrThrow("variance_epsilon").getF());
    }

    @Test
    void brokenGraphsNameTheNodeAndTheProblem() throws Exception {
        byte[] pb = Files.readAllBytes(PB);
        String missing = "mixed_4/tower/conv_1/batchnorm/moving_mean";
        assertProblem(edit(pb, g -> without(g, missing)), "no node " + missing);
        assertProblem(edit(pb, g -> withAttr(g, "mixed_9/tower/mixed/conv/batchnorm", "variance_epsilon", AttrValue.newBuilder().setF(1e-5f).build())),
                "node mixed_9/tower/mixed/conv/batchnorm has variance_epsilon 1.0E-5; the FID Inception network uses 0.001");
        TensorProto conv2 = node(GraphDef.parseFrom(pb), "conv_2/conv2d_params").getAttrOrThrow("value").getTensor();
        AttrValue shortContent = AttrValue.newBuilder().setTensor(conv2.toBuilder().setTensorContent(ByteString.copyFrom(new byte[4 * 17]))).build();
        assertProblem(edit(pb, g -> withAttr(g, "conv_2/conv2d_params", "value", shortContent)),
                "node conv_2/conv2d_params holds 17 floats of tensor_content for its shape [3, 3, 2, 3]");
        assertProblem(Arrays.copyOf(pb, pb.length - 100), "not a readable TensorFlow GraphDef");
        assertProblem("not weights".getBytes(), "neither a TensorFlow GraphDef (.pb) nor a torch.save file (.pth)");
    }

    @Test
    void strictCheckNamesEveryMissingUnexpectedAndMisshapenTensorAtOnce() {
        Map<String, INDArray> full = new LinkedHashMap<>();
        InceptionWeights.expectedShapes().forEach((k, shape) -> {
            if (!k.endsWith("Conv2d_1a_3x3.bn.num_batches_tracked")) {   // optional: one absent, the rest present
                full.put(k, shape.length == 0 ? Nd4j.scalar(5L) : Nd4j.create(DataType.FLOAT, shape));
            }
        });
        Map<String, INDArray> ok = InceptionWeights.checked(full, "full");
        assertEquals(472, ok.size());
        assertTrue(ok.keySet().stream().noneMatch(k -> k.endsWith("num_batches_tracked")));
        assertTrue(ok.values().stream().allMatch(a -> a.dataType() == DataType.FLOAT));

        Map<String, INDArray> bad = new LinkedHashMap<>(full);
        bad.remove("Mixed_6b.branch7x7_2.bn.running_var");
        bad.put("AuxLogits.fc.weight", Nd4j.create(DataType.FLOAT, 1000, 768));
        bad.put("Mixed_6b.branch7x7_2.conv.weight", Nd4j.create(DataType.FLOAT, 128, 128, 7, 1));
        String message = assertThrows(TensorFileException.class, () -> InceptionWeights.checked(bad, "bad.pth")).getMessage();
        assertTrue(message.startsWith("bad.pth: 3 problem(s) with the FID Inception weights: "), message);
        assertTrue(message.contains("missing Mixed_6b.branch7x7_2.bn.running_var [128]"), message);
        assertTrue(message.contains("unexpected AuxLogits.fc.weight [1000, 768]"), message);
        assertTrue(message.contains("Mixed_6b.branch7x7_2.conv.weight: expected [128, 128, 1, 7], found [128, 128, 7, 1]"), message);

        String tiny = assertThrows(TensorFileException.class, () -> InceptionWeights.readChecked(PB)).getMessage();
        assertTrue(tiny.contains(": 472 problem(s)") && tiny.contains("fc.bias: expected [1008], found [5]"), tiny.substring(0, 300));
    }

    @Test
    void streamsReadLikeFiles() throws Exception {
        for (String file : new String[] {"inception_tiny.pb", "inception_tiny_legacy.pth", "inception_tiny.pth"}) {
            Path f = Fixtures.file(file);
            Map<String, INDArray> fromStream = InceptionWeights.read(new ByteArrayInputStream(Files.readAllBytes(f)), file);
            InceptionWeights.read(f).forEach((k, v) -> assertExactly(v, fromStream.get(k), file + " " + k));
        }
    }

    /**
     * The published files, when present: -Dlit.inception.dir=DIR holding pytorch-fid's
     * pt_inception-2015-12-05-6726825d.pth and ADM's classify_image_graph_def.pb. The .pth was converted
     * from that graph, so both must hold the same float32 weights.
     */
    @Test
    @EnabledIfSystemProperty(named = "lit.inception.dir", matches = ".+")
    void publishedPthAndGraphDefHoldTheSameWeights() {
        Path dir = Path.of(System.getProperty("lit.inception.dir"));
        Map<String, INDArray> pth = InceptionWeights.readChecked(dir.resolve("pt_inception-2015-12-05-6726825d.pth"));
        Map<String, INDArray> pb = InceptionWeights.readChecked(dir.resolve("classify_image_graph_def.pb"));
        assertEquals(new ArrayList<>(pth.keySet()), new ArrayList<>(pb.keySet()));
        pth.forEach((k, v) -> assertExactly(v, pb.get(k), k));
    }

    private static void assertExactly(INDArray expected, INDArray actual, String what) {
        assertEquals(DataType.FLOAT, actual.dataType(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertArrayEquals(expected.castTo(DataType.FLOAT).dup('c').data().asFloat(), actual.dup('c').data().asFloat(), 0f, what);
    }

    private static void assertProblem(byte[] content, String expected) {
        String message = assertThrows(TensorFileException.class, () -> InceptionWeights.read(content, "graph.pb")).getMessage();
        assertTrue(message.startsWith("graph.pb: ") && message.contains(expected), message);
    }

    private static NodeDef node(GraphDef graph, String name) {
        return graph.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static float[] floats(GraphDef graph, String name) {
        TensorProto t = node(graph, name).getAttrOrThrow("value").getTensor();
        float[] v = new float[t.getTensorContent().size() / 4];
        t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    private static byte[] edit(byte[] pb, UnaryOperator<GraphDef.Builder> change) throws Exception {
        return change.apply(GraphDef.parseFrom(pb).toBuilder()).build().toByteArray();
    }

    private static GraphDef.Builder without(GraphDef.Builder g, String name) {
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getName().equals(name)) return g.removeNode(i);
        }
        throw new AssertionError("no node " + name);
    }

    private static GraphDef.Builder withAttr(GraphDef.Builder g, String name, String key, AttrValue value) {
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getName().equals(name)) return g.setNode(i, g.getNode(i).toBuilder().putAttr(key, value));
        }
        throw new AssertionError("no node " + name);
    }
}
