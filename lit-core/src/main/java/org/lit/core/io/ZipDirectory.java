package org.lit.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * A zip file's central directory, read from its end with positioned reads (ZIP64 included: ADM's
 * 256px sample batch is 9.8 GB), and its members opened as streams: stored members are read in
 * place, deflated ones inflated on the fly. Nothing is held beyond the directory.
 */
public final class ZipDirectory {
    private static final int EOCD = 0x06054b50, ZIP64_LOCATOR = 0x07064b50, ZIP64_EOCD = 0x06064b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50;
    private static final long MAX32 = 0xFFFFFFFFL;

    /** One member: its compression method (0 stored, 8 deflated), sizes and where its local header is. */
    public record Entry(String name, int method, long compressedSize, long size, long localHeader) {
    }

    private final RandomAccessSource source;
    private final Map<String, Entry> entries;

    private ZipDirectory(RandomAccessSource source, Map<String, Entry> entries) {
        this.source = source;
        this.entries = entries;
    }

    public static ZipDirectory read(RandomAccessSource source) throws IOException {
        long length = source.length();
        // The end record is within the last 22 + 65535 (comment) bytes; search back for its signature.
        int tail = (int) Math.min(length, 22 + 65535);
        ByteBuffer end = buffer(source, length - tail, tail);
        int at = -1;
        for (int i = tail - 22; i >= 0; i--) {
            if (end.getInt(i) == EOCD) {
                at = i;
                break;
            }
        }
        if (at < 0) throw new TensorFileException(source.name(), "not a zip archive (no end-of-directory record; truncated?)");
        long count = Short.toUnsignedInt(end.getShort(at + 10));
        long dirSize = Integer.toUnsignedLong(end.getInt(at + 12));
        long dirOffset = Integer.toUnsignedLong(end.getInt(at + 16));
        long eocdPos = length - tail + at;
        if (eocdPos >= 20 && (count == 0xFFFF || dirSize == MAX32 || dirOffset == MAX32 || readInt(source, eocdPos - 20) == ZIP64_LOCATOR)) {
            ByteBuffer locator = buffer(source, eocdPos - 20, 20);
            if (locator.getInt(0) == ZIP64_LOCATOR) {
                ByteBuffer z = buffer(source, locator.getLong(8), 56);
                if (z.getInt(0) != ZIP64_EOCD) throw new TensorFileException(source.name(), "corrupt ZIP64 end-of-directory record");
                count = z.getLong(32);
                dirSize = z.getLong(40);
                dirOffset = z.getLong(48);
            }
        }
        if (dirOffset + dirSize > length) throw new TensorFileException(source.name(), "truncated zip: its directory lies past the end of the file");
        ByteBuffer dir = buffer(source, dirOffset, Math.toIntExact(dirSize));
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (long i = 0, p = 0; i < count; i++) {
            if (dir.getInt((int) p) != CENTRAL) throw new TensorFileException(source.name(), "corrupt zip directory at entry " + i);
            int method = Short.toUnsignedInt(dir.getShort((int) p + 10));
            long csize = Integer.toUnsignedLong(dir.getInt((int) p + 20)), size = Integer.toUnsignedLong(dir.getInt((int) p + 24));
            int nameLen = Short.toUnsignedInt(dir.getShort((int) p + 28)), extraLen = Short.toUnsignedInt(dir.getShort((int) p + 30));
            int commentLen = Short.toUnsignedInt(dir.getShort((int) p + 32));
            long offset = Integer.toUnsignedLong(dir.getInt((int) p + 42));
            byte[] nameBytes = new byte[nameLen];
            dir.get((int) p + 46, nameBytes);
            // ZIP64 extra field (id 1): the 8-byte values of those fields whose 4-byte slot is all ones, in this order.
            for (int e = (int) p + 46 + nameLen, stop = e + extraLen; e + 4 <= stop; ) {
                int id = Short.toUnsignedInt(dir.getShort(e)), len = Short.toUnsignedInt(dir.getShort(e + 2));
                if (id == 1) {
                    int v = e + 4;
                    if (size == MAX32) { size = dir.getLong(v); v += 8; }
                    if (csize == MAX32) { csize = dir.getLong(v); v += 8; }
                    if (offset == MAX32) offset = dir.getLong(v);
                }
                e += 4 + len;
            }
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            entries.put(name, new Entry(name, method, csize, size, offset));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return new ZipDirectory(source, entries);
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** The member's uncompressed bytes as a stream of positioned reads. */
    public InputStream open(Entry e) throws IOException {
        ByteBuffer local = buffer(source, e.localHeader(), 30);
        if (local.getInt(0) != LOCAL) throw new TensorFileException(source.name(), "corrupt zip: no local header for " + e.name());
        long data = e.localHeader() + 30 + Short.toUnsignedInt(local.getShort(26)) + Short.toUnsignedInt(local.getShort(28));
        if (data + e.compressedSize() > source.length()) throw new TensorFileException(source.name(), "truncated: member " + e.name() + " ends past the end of the file");
        InputStream raw = new SourceStream(source, data, e.compressedSize());
        return switch (e.method()) {
            case 0 -> raw;
            case 8 -> {
                Inflater inflater = new Inflater(true);
                yield new InflaterInputStream(raw, inflater, 1 << 16) {
                    @Override
                    public void close() throws IOException {
                        super.close();
                        inflater.end();             // a given Inflater is not ended by the stream: free its native memory now
                    }
                };
            }
            default -> throw new TensorFileException(source.name(), e.name() + " uses zip compression method " + e.method() + "; only stored (0) and deflated (8) are read");
        };
    }

    private static int readInt(RandomAccessSource s, long pos) throws IOException {
        return buffer(s, pos, 4).getInt(0);
    }

    private static ByteBuffer buffer(RandomAccessSource s, long pos, int len) throws IOException {
        byte[] b = new byte[len];
        s.readFully(pos, b, 0, len);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A window [start, start + length) of a source, read ahead in 1 MB pieces. */
    private static final class SourceStream extends InputStream {
        private final RandomAccessSource source;
        private final long end;
        private long pos;
        private final byte[] buf = new byte[1 << 20];
        private int bufPos, bufLen;

        SourceStream(RandomAccessSource source, long start, long length) {
            this.source = source;
            this.pos = start;
            this.end = start + length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        /** Skips by moving the position: a task's share of a stored member starts without reading what precedes it. */
        @Override
        public long skip(long n) {
            long buffered = Math.min(n, bufLen - bufPos);
            bufPos += (int) buffered;
            long far = Math.min(n - buffered, end - pos);
            pos += far;
            return buffered + far;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (bufPos == bufLen) {
                if (pos == end) return -1;
                bufLen = (int) Math.min(buf.length, end - pos);
                try {
                    source.readFully(pos, buf, 0, bufLen);
                } catch (EOFException ex) {
                    throw new TensorFileException(source.name(), "truncated: " + ex.getMessage(), ex);
                }
                pos += bufLen;
                bufPos = 0;
            }
            int n = Math.min(len, bufLen - bufPos);
            System.arraycopy(buf, bufPos, b, off, n);
            bufPos += n;
            return n;
        }
    }
}
