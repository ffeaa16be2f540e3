package org.lit.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorFilesTest {
    @TempDir
    Path dir;

    @Test
    void ptAndSafetensorsFromPyTorchHoldTheSameTensors() {
        Map<String, INDArray> pt = TensorFiles.read(Fixtures.file("lit_tiny.pt"));
        Map<String, INDArray> st = TensorFiles.read(Fixtures.file("lit_tiny.safetensors"));
        assertEquals(List.copyOf(pt.keySet()), List.copyOf(st.keySet()));
        assertEquals("pos_embed", pt.keySet().iterator().next());
        for (String k : pt.keySet()) assertEquals(pt.get(k), st.get(k), k);
        assertArrayEquals(new long[] {32, 1, 5, 5}, pt.get("blocks.0.attn.dwc.weight").shape());
    }

    @Test
    void trainPyCheckpointYieldsEmaByDefaultAndModelOnRequest() {
        Path f = Fixtures.file("trainpy_checkpoint.pt");
        Map<String, INDArray> expected = TensorFiles.read(Fixtures.file("checkpoint_expected.npz"));
        Map<String, INDArray> model = TorchCheckpoint.readStateDict(f, "model");
        assertEquals(expected.get("w"), model.get("w"));
        assertEquals(DataType.LONG, model.get("b").dataType());
        assertEquals(expected.get("b"), model.get("b"));
        assertEquals(expected.get("w").mul(2), TorchCheckpoint.readStateDict(f, null).get("w"));
        Map<?, ?> root = (Map<?, ?>) TorchCheckpoint.read(f);
        assertEquals(expected.get("view"), root.get("view"), "strided view with a storage offset");
        assertTrue(root.get("args").toString().contains("DiT-XL/2"), "argparse.Namespace kept as an opaque object");
    }

    @Test
    void halfPrecisionSafetensorsDecodeExactly() {
        Map<String, INDArray> half = TensorFiles.read(Fixtures.file("half.safetensors"));
        Map<String, INDArray> expected = TensorFiles.read(Fixtures.file("half_expected.npz"));
        assertEquals(DataType.HALF, half.get("h").dataType());
        assertEquals(DataType.BFLOAT16, half.get("bf").dataType());
        assertEquals(expected.get("h"), half.get("h").castTo(DataType.FLOAT));
        assertEquals(expected.get("bf"), half.get("bf").castTo(DataType.FLOAT));
        assertEquals(expected.get("d"), half.get("d"));
    }

    @Test
    void numpyDtypesAndFortranOrder() {
        INDArray f = TensorFiles.read(Fixtures.file("fortran.npy")).get("arr_0");
        assertEquals(Nd4j.arange(12).castTo(DataType.DOUBLE).reshape('c', 3, 4), f);
        Map<String, INDArray> mixed = TensorFiles.read(Fixtures.file("mixed.npz"));
        assertEquals(5, mixed.get("u8").getInt(1, 2));
        assertEquals(-1, mixed.get("i32").getInt(0));
        assertEquals(-2.0, mixed.get("f2").getDouble(1));
        assertEquals(0, mixed.get("scalar").rank());
        assertEquals(1.5, mixed.get("scalar").getDouble(0));
    }

    @Test
    void writersRoundTripEveryFormatBitExactly() throws Exception {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        Nd4j.getRandom().setSeed(1);
        tensors.put("blocks.0.attn.qkv.weight", Nd4j.randn(DataType.FLOAT, 6, 4));
        tensors.put("half", Nd4j.randn(DataType.FLOAT, 3).castTo(DataType.HALF));
        tensors.put("bf16", Nd4j.randn(DataType.FLOAT, 2, 2).castTo(DataType.BFLOAT16));
        tensors.put("steps", Nd4j.createFromArray(7L, 8L));
        for (String ext : new String[] {"safetensors", "pt", "npz"}) {
            Path p = dir.resolve("w." + ext);
            if (ext.equals("npz")) tensors.remove("bf16");   // NumPy has no bfloat16
            TensorFiles.write(p, tensors);
            Map<String, INDArray> back = TensorFiles.read(p);
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.keySet()), ext);
            for (String k : tensors.keySet()) {
                assertEquals(tensors.get(k).dataType(), back.get(k).dataType(), ext + " " + k);
                assertEquals(tensors.get(k), back.get(k), ext + " " + k);
            }
            assertFalse(Files.exists(dir.resolve("w." + ext + ".tmp")));
        }
    }

    @Test
    void truncatedAndCorruptFilesNameTheFile() throws Exception {
        for (String name : new String[] {"dit_tiny.safetensors", "dit_tiny.pt", "dit_tiny_io.npz"}) {
            byte[] full = Files.readAllBytes(Fixtures.file(name));
            Path cut = dir.resolve("cut-" + name);
            Files.write(cut, java.util.Arrays.copyOf(full, full.length / 2));
            TensorFileException e = assertThrows(TensorFileException.class, () -> TensorFiles.read(cut));
            assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        }
        Path garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, "this is not a tensor file".getBytes());
        assertTrue(assertThrows(TensorFileException.class, () -> TensorFiles.read(garbage)).getMessage().contains("garbage.safetensors"));
        Path unknown = dir.resolve("weights.h5");
        Files.write(unknown, new byte[16]);
        assertTrue(assertThrows(TensorFileException.class, () -> TensorFiles.read(unknown)).getMessage().contains("unknown tensor file type"));
        // .bin is diffusers' torch.save file (diffusion_pytorch_model.bin): read as one, so junk names the file.
        Path bin = dir.resolve("weights.bin");
        Files.write(bin, new byte[16]);
        assertTrue(assertThrows(TensorFileException.class, () -> TensorFiles.read(bin)).getMessage().startsWith(bin.toString()));
    }

    @Test
    void halfConversionRoundsToNearestEven() {
        assertEquals((short) 0x3c00, Half.fromFloat(1.0f));
        assertEquals((short) 0x3c00, Half.fromFloat(1.0f + 0x1p-11f), "tie rounds to even");
        assertEquals((short) 0x3c02, Half.fromFloat(1.0f + 3 * 0x1p-11f), "tie rounds to even (up)");
        assertEquals((short) 0x7c00, Half.fromFloat(70000f));
        assertEquals((short) 0x0001, Half.fromFloat(0x1p-24f));
        assertEquals(0x1p-24f, Half.toFloat((short) 0x0001));
        assertEquals(-2.0f, Half.toFloat(Half.fromFloat(-2.0f)));
        assertEquals((short) 0x3f80, Half.floatToBf16(1.0f));
        assertEquals(1.0f, Half.bf16ToFloat((short) 0x3f80));
    }

    @Test
    void halfRoundingEqualsTheRoundTripThroughTheCode() {
        // Every float bit pattern class: normal, subnormal-half, ties, the overflow edge, inf and NaN, both signs.
        float[] edges = {0f, -0f, 1f + 0x1p-11f, 1f + 3 * 0x1p-11f, 65504f, 65519.99f, 65520f, -65520f, 0x1p-24f, 0x1p-25f,
                0x1.8p-25f, 0x1p-14f, 0x1.ffcp-15f, Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (float f : edges) assertEquals(Half.toFloat(Half.fromFloat(f)), Half.round(f), "round(" + f + ")");
        assertTrue(Float.isNaN(Half.round(Float.NaN)));
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt(0x3f000000, 0x48000000) | (r.nextBoolean() ? 0x80000000 : 0));   // 2^-33 .. 2^17
            assertEquals(Half.toFloat(Half.fromFloat(f)), Half.round(f), "round(" + f + ")");
        }
    }
}
