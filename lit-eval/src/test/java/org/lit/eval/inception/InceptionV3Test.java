package org.lit.eval.inception;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.lit.core.io.TensorFiles;
import org.lit.eval.EvalFixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The network against tools/reference/inception_reference.py (fixtures of make_inception_parity_fixtures.py): the real-size
 * FID Inception with patterned weights and BatchNorms calibrated on the fixture photos, ADM's pipeline on real photos
 * (TF's float32 resize and normalization, then the network in float64), at 64 and 256 px.
 */
class InceptionV3Test {
    private static final double TOLERANCE = 1e-4;
    private static Map<String, INDArray> weights;
    private static Map<String, INDArray> reference;
    private static InceptionV3 net;

    /**
     * The weights as pytorch-fid ships its own (legacy torch.save, num_batches_tracked included), gzipped, read and
     * checked by the loader users run (InceptionWeights), as FeatureJob.network does.
     */
    @BeforeAll
    static void load() {
        weights = InceptionWeights.readChecked(EvalFixtures.inceptionPth());
        reference = TensorFiles.read(Fixtures.file("inception/inception_features.npz"));
        net = InceptionV3.fromStateDict(weights, "inception_fid_random.pth");
    }

    @Test
    void featuresMatchPyTorchAt64And256Pixels() {
        for (int size : new int[] {64, 256}) {
            INDArray images = reference.get("images_" + size);
            Features f = net.features(images);
            assertArrayEquals(new long[] {4, 2048}, f.pool3().shape());
            assertArrayEquals(new long[] {4, 2023}, f.spatial().shape());
            assertArrayEquals(new long[] {4, 1008}, f.logits().shape());
            assertEquals(DataType.FLOAT, f.pool3().dataType());
            double pool3 = Fixtures.relativeError(f.pool3(), reference.get("pool_3_" + size));
            double spatial = Fixtures.relativeError(f.spatial(), reference.get("spatial_" + size));
            double logits = Fixtures.relativeError(f.logits(), reference.get("logits_" + size));
            System.out.printf("Inception parity %d px: pool_3 %.2e, spatial %.2e, logits %.2e (tolerance %.0e)%n", size, pool3, spatial, logits, TOLERANCE);
            assertTrue(pool3 < TOLERANCE, size + " px pool_3 error " + pool3);
            assertTrue(spatial < TOLERANCE, size + " px spatial error " + spatial);
            assertTrue(logits < TOLERANCE, size + " px logits error " + logits);
        }
    }

    @Test
    void spatialIsMixed6ConvFlattenedAsHeightWidthChannel() {
        // mixed_6_conv is Mixed_6d.branch1x1's output, channels 0..6, NCHW as PyTorch has it: (4, 7, 17, 17).
        INDArray images = reference.get("images_256");
        INDArray nchw = reference.get("mixed_6_conv_256");
        INDArray spatial = net.features(images).spatial();
        int n = 3, c = 2, h = 12, w = 5;                                    // a value of 3.31
        double byHand = nchw.getDouble(n, c, h, w);
        assertEquals(byHand, spatial.getDouble(n, (h * 17 + w) * 7 + c), 1e-4 * Math.abs(byHand));
        // PyTorch's own (c, h, w) flatten would put another value there: the check tells the orders apart.
        assertTrue(Math.abs(byHand - spatial.getDouble(n, (c * 17 + h) * 17 + w)) > 0.1, "value " + byHand);
        assertEquals(0.0, Fixtures.relativeError(spatial, nchw.permute(0, 2, 3, 1).reshape(4, 2023)), 1e-4);
    }

    @Test
    void batchesGiveTheSameFeaturesAsOneCall() {
        INDArray images = reference.get("images_64");
        Features whole = net.features(images);
        Features batched = net.withBatchSize(3).features(images);   // 3 + 1 images
        assertEquals(3, net.withBatchSize(3).batchSize());
        assertEquals(InceptionV3.DEFAULT_BATCH_SIZE, net.batchSize());
        // Not bit-identical: oneDNN blocks its convolutions by batch size, and float32 rounding differs.
        assertEquals(0.0, Fixtures.relativeError(batched.pool3(), whole.pool3()), 1e-5);
        assertEquals(0.0, Fixtures.relativeError(batched.spatial(), whole.spatial()), 1e-5);
        assertEquals(0.0, Fixtures.relativeError(batched.logits(), whole.logits()), 1e-5);
        Features one = net.features(images.get(NDArrayIndex.interval(3, 4), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()));
        assertEquals(0.0, Fixtures.relativeError(one.pool3(), whole.pool3().get(NDArrayIndex.interval(3, 4), NDArrayIndex.all())), 1e-5);
    }

    @Test
    void missingAndMisshapenTensorsAreNamed() {
        Map<String, INDArray> broken = new LinkedHashMap<>(weights);
        broken.remove("Mixed_6b.branch7x7dbl_3.bn.running_var");
        broken.put("Mixed_7a.branch3x3_2.conv.weight", Nd4j.zeros(DataType.FLOAT, 320, 192, 3, 1));
        broken.put("AuxLogits.fc.weight", Nd4j.zeros(DataType.FLOAT, 1008, 768));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InceptionV3.fromStateDict(broken, "broken.pth"));
        assertEquals("cannot load weights from broken.pth into the model:"
                + "\n  missing keys (1): Mixed_6b.branch7x7dbl_3.bn.running_var"
                + "\n  unexpected keys (1): AuxLogits.fc.weight"
                + "\n  shape mismatches (1): Mixed_7a.branch3x3_2.conv.weight: file [320, 192, 3, 1], model [320, 192, 3, 3]", e.getMessage());
    }

    @Test
    void stateDictShapesArePytorchFids() {
        Map<String, long[]> shapes = InceptionV3.stateDictShapes();
        assertEquals(566 - 94, shapes.size());                       // the published file, without num_batches_tracked
        for (String k : weights.keySet()) {
            if (!k.endsWith("num_batches_tracked")) assertArrayEquals(weights.get(k).shape(), shapes.get(k), k);
        }
        long values = shapes.values().stream().mapToLong(s -> { long c = 1; for (long d : s) c *= d; return c; }).sum();
        assertEquals(23_885_392, values);                            // parameters and running statistics
    }

    @Test
    void badImagesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.features(Nd4j.zeros(DataType.FLOAT, 1, 64, 64, 3)));
        assertEquals("images must be uint8 (N, H, W, 3) pixels, got FLOAT [1, 64, 64, 3]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.features(Nd4j.zeros(DataType.UINT8, 1, 3, 64, 64)));
        assertThrows(IllegalArgumentException.class, () -> net.withBatchSize(0));
    }

    /** The loader's strict list (InceptionLayers, with the TF names) and the network's own are one architecture. */
    @Test
    void theNetworkTakesExactlyTheTensorsTheLoaderChecks() {
        Map<String, long[]> network = InceptionV3.stateDictShapes();
        Map<String, long[]> loader = new LinkedHashMap<>(InceptionWeights.expectedShapes());
        loader.keySet().removeIf(k -> k.endsWith(".num_batches_tracked"));
        assertEquals(List.copyOf(loader.keySet()), List.copyOf(network.keySet()));
        for (String k : network.keySet()) assertArrayEquals(loader.get(k), network.get(k), k);
    }

    /** ADM's file format gives the same network: the GraphDef of the same weights, through the same loader, bit for bit. */
    @Test
    void theGraphDefOfTheSameWeightsGivesTheSameFeatures() {
        InceptionV3 fromGraph = InceptionV3.fromStateDict(InceptionWeights.readChecked(EvalFixtures.inceptionPb()), "inception_fid_random.pb");
        INDArray images = reference.get("images_64");
        Features a = net.features(images), b = fromGraph.features(images);
        assertEquals(a.pool3(), b.pool3());
        assertEquals(a.spatial(), b.spatial());
        assertEquals(a.logits(), b.logits());
        assertTrue(Fixtures.relativeError(b.pool3(), reference.get("pool_3_64")) < TOLERANCE);
    }
}
