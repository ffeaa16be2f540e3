package org.lit.eval.inception;

import org.lit.core.io.TensorFileException;
import org.lit.core.io.TorchCheckpoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The FID Inception-v3's weights as one map in pytorch-fid's state-dict names and layouts
 * ({@code Conv2d_1a_3x3.conv.weight} float32 OIHW, {@code Conv2d_1a_3x3.bn.weight|bias|running_mean|running_var},
 * ..., {@code fc.weight} [1008, 2048], {@code fc.bias} [1008]), from whichever file the user has, told
 * apart by content:
 * <ul>
 * <li>pytorch-fid's {@code pt_inception-2015-12-05-6726825d.pth} (legacy torch.save) or torch-fidelity's
 * {@code weights-inception-2015-12-05-6726825d.pth} (zip torch.save);</li>
 * <li>ADM's {@code classify_image_graph_def.pb}, the TF GraphDef those were converted from ({@link GraphDefWeights}).</li>
 * </ul>
 * {@link #read} converts names and layouts only; {@link #checked} then insists on the full network
 * ({@link #readChecked} does both).
 */
public final class InceptionWeights {
    /**
     * Batch-norm epsilon of every layer: torchvision's BasicConv2d (and so pytorch-fid) use 0.001, and
     * the GraphDef reader refuses a graph whose variance_epsilon differs, so the network can rely on it.
     */
    public static final float BATCH_NORM_EPSILON = 0.001f;

    private static final String BATCHES_TRACKED = ".num_batches_tracked";

    private InceptionWeights() {
    }

    /** The full network's weights from a file, checked: what the FID network loads. */
    public static Map<String, INDArray> readChecked(Path file) {
        return checked(read(file), file.toString());
    }

    public static Map<String, INDArray> read(Path file) {
        try {
            return read(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new TensorFileException(file.toString(), "cannot read: " + e.getMessage(), e);
        }
    }

    /** As read(file), from a stream (a Hadoop file, a download); source names it in errors. */
    public static Map<String, INDArray> read(InputStream in, String source) {
        try {
            return read(in.readAllBytes(), source);
        } catch (IOException e) {
            throw new TensorFileException(source, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * pytorch-fid-named float32 tensors from a file's bytes, num_batches_tracked dropped. A GraphDef starts
     * with its first node (field 1, length-delimited: byte 0x0a); TorchCheckpoint knows its own two formats.
     */
    public static Map<String, INDArray> read(byte[] content, String source) {
        Map<String, INDArray> named;
        if (content.length > 0 && content[0] == 0x0a) named = GraphDefWeights.read(content, source);
        else if (TorchCheckpoint.recognizes(content)) named = TorchCheckpoint.readStateDict(content, source, null);
        else throw new TensorFileException(source, "neither a TensorFlow GraphDef (.pb) nor a torch.save file (.pth): the FID Inception weights come as one of those");
        Map<String, INDArray> out = new LinkedHashMap<>();
        named.forEach((k, v) -> {
            if (!k.endsWith(BATCHES_TRACKED)) out.put(k, v.castTo(DataType.FLOAT));
        });
        return out;
    }

    /**
     * Every tensor of pytorch-fid's state dict for the 1008-class FID Inception, in its order: per
     * BasicConv2d {@code conv.weight} [out, in, kh, kw], {@code bn.weight}, {@code bn.bias},
     * {@code bn.running_mean}, {@code bn.running_var} [out] and the optional int64 scalar
     * {@code bn.num_batches_tracked} []; then {@code fc.weight} [1008, 2048] and {@code fc.bias} [1008].
     */
    public static Map<String, long[]> expectedShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (InceptionLayers.Layer layer : InceptionLayers.ALL) {
            shapes.put(layer.torch() + ".conv.weight", layer.convShape());
            for (String p : new String[] {"weight", "bias", "running_mean", "running_var"}) shapes.put(layer.torch() + ".bn." + p, new long[] {layer.out()});
            shapes.put(layer.torch() + ".bn" + BATCHES_TRACKED, new long[0]);
        }
        shapes.put("fc.weight", new long[] {InceptionLayers.CLASSES, InceptionLayers.FEATURES});
        shapes.put("fc.bias", new long[] {InceptionLayers.CLASSES});
        return shapes;
    }

    /**
     * The weights of the whole network as float32 in {@link #expectedShapes} order, num_batches_tracked
     * dropped; or one exception naming every missing, unexpected and misshapen tensor.
     */
    public static Map<String, INDArray> checked(Map<String, INDArray> weights, String source) {
        Map<String, long[]> expected = expectedShapes();
        List<String> problems = new ArrayList<>();
        expected.forEach((k, shape) -> {
            if (!weights.containsKey(k) && !k.endsWith(BATCHES_TRACKED)) problems.add("missing " + k + " " + Arrays.toString(shape));
        });
        weights.forEach((k, v) -> {
            long[] shape = expected.get(k);
            if (shape == null) problems.add("unexpected " + k + " " + Arrays.toString(v.shape()));
            else if (!Arrays.equals(shape, v.shape())) problems.add(k + ": expected " + Arrays.toString(shape) + ", found " + Arrays.toString(v.shape()));
        });
        if (!problems.isEmpty()) {
            throw new TensorFileException(source, problems.size() + " problem(s) with the FID Inception weights: " + String.join("; ", problems));
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        expected.keySet().stream().filter(k -> !k.endsWith(BATCHES_TRACKED)).forEach(k -> out.put(k, weights.get(k).castTo(DataType.FLOAT)));
        return out;
    }
}
