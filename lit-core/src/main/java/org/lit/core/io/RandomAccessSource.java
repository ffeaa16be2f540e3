package org.lit.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Bytes read at any position: a local file, or (in lit-data) any Hadoop FileSystem's file. */
public interface RandomAccessSource extends Closeable {
    long length() throws IOException;

    /** Reads exactly len bytes at pos, or throws (EOFException past the end). */
    void readFully(long pos, byte[] buf, int off, int len) throws IOException;

    /** What to call the source in errors. */
    String name();

    static RandomAccessSource of(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        return new RandomAccessSource() {
            @Override
            public long length() throws IOException {
                return ch.size();
            }

            @Override
            public void readFully(long pos, byte[] buf, int off, int len) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(buf, off, len);
                while (b.hasRemaining()) {
                    if (ch.read(b, pos + b.position() - off) < 0) throw new java.io.EOFException(file + ": ends before byte " + (pos + len));
                }
            }

            @Override
            public String name() {
                return file.toString();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
