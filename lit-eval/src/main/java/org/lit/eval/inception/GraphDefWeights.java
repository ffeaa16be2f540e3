package org.lit.eval.inception;

import org.lit.core.io.TensorFileException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;
import org.tensorflow.framework.AttrValue;
import org.tensorflow.framework.GraphDef;
import org.tensorflow.framework.NodeDef;
import org.tensorflow.framework.TensorProto;
import org.tensorflow.framework.TensorShapeProto;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of ADM's classify_image_graph_def.pb (TF's "inception-2015-12-05" frozen graph) in
 * pytorch-fid's names and layouts. Every weight is a Const node: {@code <scope>/conv2d_params} (HWIO,
 * permuted to OIHW), {@code <scope>/batchnorm/{beta,gamma,moving_mean,moving_variance}}, and
 * {@code softmax/weights} (2048 x 1008, transposed to fc.weight) and {@code softmax/biases}. Each
 * {@code <scope>/batchnorm} node is a BatchNormWithGlobalNormalization whose attrs are read, not assumed.
 * Shapes are left to {@link InceptionWeights#checked}; only what a layout change needs (the rank) is checked here.
 */
final class GraphDefWeights {
    private static final String BATCH_NORM_OP = "BatchNormWithGlobalNormalization";

    private final Map<String, NodeDef> nodes = new HashMap<>();
    private final String source;

    private GraphDefWeights(GraphDef graph, String source) {
        for (NodeDef n : graph.getNodeList()) nodes.put(n.getName(), n);
        this.source = source;
    }

    static Map<String, INDArray> read(byte[] content, String source) {
        GraphDef graph;
        try {
            graph = GraphDef.parseFrom(content);
        } catch (InvalidProtocolBufferException e) {
            throw new TensorFileException(source, "not a readable TensorFlow GraphDef (" + e.getMessage() + ")", e);
        }
        return new GraphDefWeights(graph, source).weights();
    }

    private Map<String, INDArray> weights() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (InceptionLayers.Layer layer : InceptionLayers.ALL) {
            String conv = layer.tf() + "/conv2d_params";
            out.put(layer.torch() + ".conv.weight", withRank(constant(conv), 4, conv, "HWIO").permute(3, 2, 0, 1).dup('c'));
            batchNorm(layer, out);
        }
        out.put("fc.weight", withRank(constant("softmax/weights"), 2, "softmax/weights", "features x classes").transpose().dup('c'));
        out.put("fc.bias", constant("softmax/biases"));
        return out;
    }

    /**
     * BatchNormWithGlobalNormalization computes (x - mean) / sqrt(var + eps) * gamma + beta, but multiplies
     * by gamma only if scale_after_normalization is true. When it is false gamma is ignored, which is a
     * BatchNorm2d with weight 1: so bn.weight is ones then, whatever the gamma node holds. (The released
     * graph's gammas are all ones anyway, tensorflow/tensorflow#564.)
     */
    private void batchNorm(InceptionLayers.Layer layer, Map<String, INDArray> out) {
        String name = layer.tf() + "/batchnorm";
        NodeDef bn = node(name);
        if (!bn.getOp().equals(BATCH_NORM_OP)) throw new TensorFileException(source, "node " + name + " is a " + bn.getOp() + ", expected " + BATCH_NORM_OP);
        float eps = attr(bn, "variance_epsilon").getF();
        if (eps != InceptionWeights.BATCH_NORM_EPSILON) {
            throw new TensorFileException(source, "node " + name + " has variance_epsilon " + eps + "; the FID Inception network uses " + InceptionWeights.BATCH_NORM_EPSILON);
        }
        boolean scale = attr(bn, "scale_after_normalization").getB();
        INDArray gamma = constant(name + "/gamma");
        INDArray beta = constant(name + "/beta");
        String bnPrefix = layer.torch() + ".bn.";
        out.put(bnPrefix + "weight", scale ? gamma : Nd4j.onesLike(beta));
        out.put(bnPrefix + "bias", beta);
        out.put(bnPrefix + "running_mean", constant(name + "/moving_mean"));
        out.put(bnPrefix + "running_var", constant(name + "/moving_variance"));
    }

    private NodeDef node(String name) {
        NodeDef n = nodes.get(name);
        if (n == null) throw new TensorFileException(source, "no node " + name + " (not the FID Inception graph?)");
        return n;
    }

    private AttrValue attr(NodeDef n, String key) {
        AttrValue v = n.getAttrMap().get(key);
        if (v == null) throw new TensorFileException(source, "node " + n.getName() + " has no attr " + key);
        return v;
    }

    /** A float32 Const: tensor_content (little-endian), or float_val with every value or one value TF repeats. */
    private INDArray constant(String name) {
        NodeDef n = node(name);
        if (!n.getOp().equals("Const")) throw new TensorFileException(source, "node " + name + " is a " + n.getOp() + ", expected a Const");
        TensorProto t = attr(n, "value").getTensor();
        if (t.getDtype() != org.tensorflow.framework.DataType.DT_FLOAT) {
            throw new TensorFileException(source, "node " + name + " holds " + t.getDtype() + ", expected DT_FLOAT");
        }
        long[] shape = t.getTensorShape().getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
        int count = Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b));
        float[] values = new float[count];
        if (!t.getTensorContent().isEmpty()) {
            if (t.getTensorContent().size() != 4L * count) throw sizeMismatch(name, t.getTensorContent().size() / 4 + " floats of tensor_content", shape);
            t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else if (t.getFloatValCount() == count) {
            for (int i = 0; i < count; i++) values[i] = t.getFloatVal(i);
        } else if (t.getFloatValCount() == 1) {
            Arrays.fill(values, t.getFloatVal(0));
        } else {
            throw sizeMismatch(name, t.getFloatValCount() + " float_val", shape);
        }
        return Nd4j.create(values, shape, 'c');
    }

    private TensorFileException sizeMismatch(String name, String found, long[] shape) {
        return new TensorFileException(source, "node " + name + " holds " + found + " for its shape " + Arrays.toString(shape));
    }

    private INDArray withRank(INDArray a, int rank, String name, String layout) {
        if (a.rank() != rank) throw new TensorFileException(source, "node " + name + " has shape " + Arrays.toString(a.shape()) + ", expected rank " + rank + " (" + layout + ")");
        return a;
    }
}
