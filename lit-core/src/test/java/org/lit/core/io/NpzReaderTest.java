package org.lit.core.io;

import org.junit.jupiter.api.Test;
import org.lit.core.Fixtures;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming .npz reader on files NumPy wrote (tools/reference/make_npz_fixtures.py) and on ours. */
class NpzReaderTest {
    @Test
    void streamsRowsOfStoredDeflatedAndZip64MembersAsNumpyWroteThem() throws Exception {
        Map<String, INDArray> whole = Npz.read(Files.readAllBytes(Fixtures.file("npz_stored.npz")), "stored");
        for (String file : new String[] {"npz_stored.npz", "npz_deflated.npz", "npz_zip64.npz"}) {
            try (NpzReader npz = NpzReader.open(Fixtures.file(file))) {
                assertArrayEquals(new long[] {37, 5, 6, 3}, npz.header("arr_0").shape(), file);
                assertEquals(DataType.UBYTE, npz.header("arr_0").type());
                List<INDArray> blocks = new ArrayList<>();
                try (NpzReader.Rows rows = npz.rows("arr_0", 10)) {
                    for (INDArray b; (b = rows.next()) != null; ) blocks.add(b);
                    assertEquals(37, rows.position());
                }
                assertEquals(List.of(10L, 10L, 10L, 7L), blocks.stream().map(b -> b.size(0)).toList(), file);
                assertEquals(whole.get("arr_0"), Nd4j.concat(0, blocks.toArray(INDArray[]::new)), file + ": rows equal the whole array");
                try (NpzReader.Rows share = npz.rows("arr_0", 4, 13, 22)) {         // a task's share: rows 13..21
                    INDArray a = share.next(), b = share.next(), c = share.next();
                    assertEquals(List.of(4L, 4L, 1L), List.of(a.size(0), b.size(0), c.size(0)));
                    assertNull(share.next());
                    assertEquals(whole.get("arr_0").get(org.nd4j.linalg.indexing.NDArrayIndex.interval(13, 22)), Nd4j.concat(0, a, b, c), file);
                }
                if (!file.equals("npz_zip64.npz")) {
                    assertEquals(whole.get("sigma"), npz.read("sigma"), file);
                    assertEquals(whole.get("mu"), npz.read("mu"), file);
                    assertEquals(DataType.DOUBLE, npz.read("mu").dataType());
                }
            }
        }
    }

    @Test
    void namesWhatIsMissingOrCut() throws Exception {
        try (NpzReader npz = NpzReader.open(Fixtures.file("npz_stored.npz"))) {
            TensorFileException e = assertThrows(TensorFileException.class, () -> npz.read("pool_3"));
            assertTrue(e.getMessage().contains("pool_3") && e.getMessage().contains("arr_0"), e.getMessage());
        }
        byte[] bytes = Files.readAllBytes(Fixtures.file("npz_stored.npz"));
        Path cut = Files.createTempFile("cut", ".npz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        TensorFileException e = assertThrows(TensorFileException.class, () -> NpzReader.open(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void writesOneStoredMemberFromPartsWithTheirCombinedCrc() throws Exception {
        Random r = new Random(3);
        byte[][] parts = {new byte[1000], new byte[1], new byte[70_000], new byte[0]};
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        long crc = 0;
        for (byte[] p : parts) {
            r.nextBytes(p);
            all.writeBytes(p);
            CRC32 c = new CRC32();
            c.update(p);
            crc = Crc32Combine.combine(crc, c.getValue(), p.length);
        }
        CRC32 direct = new CRC32();
        direct.update(all.toByteArray());
        assertEquals(direct.getValue(), crc, "combined CRC equals the CRC of the concatenation");

        Path file = Files.createTempFile("written", ".npz");
        long rows = all.size() / 7;
        try (NpzWriter w = new NpzWriter(Files.newOutputStream(file))) {
            w.add("labels", Nd4j.createFromArray(new long[] {4, 5}));
            CRC32 c = new CRC32();
            c.update(all.toByteArray(), 0, (int) rows * 7);
            try (OutputStream o = w.begin("arr_0", DataType.UBYTE, new long[] {rows, 7}, c.getValue())) {
                o.write(all.toByteArray(), 0, (int) rows * 7);
            }
        }
        Map<String, INDArray> back = Npz.read(Files.readAllBytes(file), "written");
        assertEquals(Nd4j.createFromArray(new long[] {4, 5}), back.get("labels"));
        assertArrayEquals(java.util.Arrays.copyOf(all.toByteArray(), (int) rows * 7), back.get("arr_0").data().asBytes());
        try (NpzReader npz = NpzReader.open(file); NpzReader.Rows rowsOf = npz.rows("arr_0", 1000)) {
            List<Long> sizes = new ArrayList<>();
            for (INDArray b; (b = rowsOf.next()) != null; ) sizes.add(b.size(0));
            assertEquals(11, sizes.size());                     // 10143 rows: ten blocks of 1000 and one of 143
            assertEquals(143L, sizes.get(10));
            assertNull(rowsOf.next());
        }
    }
}
