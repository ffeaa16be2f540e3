package org.lit.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lit.core.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files from tools/reference/make_legacy_torch_fixtures.py (torch 1.13, _use_new_zipfile_serialization=False). */
class LegacyTorchFileTest {
    @TempDir
    Path dir;

    @Test
    void everyStorageTypeAndViewOfOneStorageReadsExactly() {
        Map<String, INDArray> read = TensorFiles.read(Fixtures.file("legacy_tensors.pth"));
        Map<String, INDArray> expected = TensorFiles.read(Fixtures.file("legacy_expected.npz"));
        assertEquals(List.of("f32", "f16", "f64", "bf16", "i64", "i32", "num_batches_tracked", "scalar", "base", "view", "t"), List.copyOf(read.keySet()));
        Map<String, DataType> types = Map.of("f32", DataType.FLOAT, "f16", DataType.HALF, "f64", DataType.DOUBLE, "bf16", DataType.BFLOAT16,
                "i64", DataType.LONG, "i32", DataType.INT, "num_batches_tracked", DataType.LONG, "scalar", DataType.FLOAT);
        for (String k : read.keySet()) {
            INDArray a = read.get(k), e = expected.get(k);
            assertEquals(types.getOrDefault(k, DataType.FLOAT), a.dataType(), k);
            assertArrayEquals(e.shape(), a.shape(), k);
            // doubles hold every value here exactly (the int64s are below 2^53 or powers of two)
            assertArrayEquals(e.castTo(DataType.DOUBLE).data().asDouble(), a.castTo(DataType.DOUBLE).data().asDouble(), 0.0, k);
        }
        assertEquals(1L << 40, read.get("i64").getLong(0, 1));
        assertEquals(-(1L << 62), read.get("i64").getLong(1, 1));
        assertEquals(0, read.get("num_batches_tracked").rank());
        assertEquals(94L, read.get("num_batches_tracked").getLong(0));
        // view = base[1:, 2:5] (storage offset 8, strides (6, 1)), t = base.t() (strides (1, 6)): one storage
        assertEquals(read.get("base").getFloat(1, 2), read.get("view").getFloat(0, 0));
        assertEquals(read.get("base").getFloat(3, 4), read.get("view").getFloat(2, 2));
        assertEquals(read.get("base").getFloat(2, 5), read.get("t").getFloat(5, 2));
    }

    @Test
    void nestedTrainPyCheckpointYieldsEmaByDefaultAndModelOnRequest() {
        Path f = Fixtures.file("legacy_checkpoint.pth");
        Map<String, INDArray> expected = TensorFiles.read(Fixtures.file("legacy_expected.npz"));
        Map<String, INDArray> ema = TensorFiles.read(f);
        Map<String, INDArray> model = TensorFiles.read(f, "model");
        assertEquals(expected.get("model.w"), model.get("w"));
        assertEquals(expected.get("model.w").mul(2), ema.get("w"));
        assertEquals(DataType.LONG, model.get("b").dataType());
        assertEquals(expected.get("model.b"), model.get("b"));
        Map<?, ?> root = (Map<?, ?>) TorchCheckpoint.read(f);
        assertEquals(3L, root.get("steps"));
        assertTrue(root.get("args").toString().contains("DiT-XL/2"), "argparse.Namespace kept as an opaque object");
    }

    @Test
    void bytesFromAStreamReadLikeTheFile() throws Exception {
        for (String name : new String[] {"legacy_tensors.pth", "lit_tiny.pt"}) {
            Path f = Fixtures.file(name);
            Map<String, INDArray> fromPath = TorchCheckpoint.readStateDict(f, null);
            Map<String, INDArray> fromBytes = TorchCheckpoint.readStateDict(Files.readAllBytes(f), name, null);
            assertEquals(fromPath.keySet(), fromBytes.keySet(), name);
            for (String k : fromPath.keySet()) assertEquals(fromPath.get(k), fromBytes.get(k), name + " " + k);
        }
    }

    @Test
    void everyTruncationIsReportedWithTheFileName() throws Exception {
        byte[] full = Files.readAllBytes(Fixtures.file("legacy_tensors.pth"));
        for (int n = 2; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            TensorFileException e = assertThrows(TensorFileException.class, () -> TorchCheckpoint.read(cut, "cut.pth"), "cut at " + n);
            assertTrue(e.getMessage().startsWith("cut.pth: truncated"), n + ": " + e.getMessage());
        }
        Path cut = dir.resolve("cut.pth");
        Files.write(cut, Arrays.copyOf(full, full.length - 3));
        TensorFileException e = assertThrows(TensorFileException.class, () -> TensorFiles.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": truncated: storage"), e.getMessage());
    }

    @Test
    void wrongMagicAndForeignBytesNameTheProblem() throws Exception {
        byte[] bad = Files.readAllBytes(Fixtures.file("legacy_tensors.pth"));
        bad[6] ^= 0x55;                                     // inside the 10-byte magic number
        Path f = dir.resolve("bad.pth");
        Files.write(f, bad);
        TensorFileException e = assertThrows(TensorFileException.class, () -> TensorFiles.read(f));
        assertTrue(e.getMessage().startsWith(f + ": not a torch.save file: wrong magic number"), e.getMessage());
        Files.write(f, "GIF89a".getBytes());
        e = assertThrows(TensorFileException.class, () -> TensorFiles.read(f));
        assertTrue(e.getMessage().contains("not a torch.save file (starts with 0x47 0x49"), e.getMessage());
    }
}
