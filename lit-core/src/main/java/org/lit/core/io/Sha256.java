package org.lit.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 as lower-case hex, the form checkpoints' COMPLETE and the latent shards' records and
 * index.json hold (and `sha256sum` prints). Files are hashed while they are written (a digesting
 * stream), so a 1 GB shard is not read back just to learn its checksum.
 */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** A stream that hashes what passes through to out; hex(stream) gives the checksum once written. */
    public static DigestOutputStream digesting(OutputStream out) {
        return new DigestOutputStream(out, digest());
    }

    /** The checksum of everything written to the stream so far. */
    public static String hex(DigestOutputStream written) {
        return HexFormat.of().formatHex(written.getMessageDigest().digest());
    }

    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** Reads the stream to its end (1 MB at a time; the caller closes it). */
    public static String of(InputStream in) throws IOException {
        MessageDigest d = digest();
        byte[] buf = new byte[1 << 20];
        for (int n; (n = in.read(buf)) >= 0; ) d.update(buf, 0, n);
        return HexFormat.of().formatHex(d.digest());
    }
}
