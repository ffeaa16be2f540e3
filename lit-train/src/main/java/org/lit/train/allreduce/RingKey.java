package org.lit.train.allreduce;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;

/**
 * The secret of one ring, shared by its ranks and no one else. Each rank draws a random share and
 * publishes it with its address through the barrier's allGather (the driver's RPC, which
 * spark.authenticate protects); the key is SHA-256 over all shares in rank order, so every rank's
 * draw counts and each stage attempt has a key of its own. A rank proves it holds the key with an
 * HMAC over a challenge its peer just drew, so a stranger, or a task of an earlier attempt, cannot.
 */
final class RingKey {
    /** Bytes of a rank's share, of a challenge and of a proof (HMAC-SHA256). */
    static final int BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private RingKey(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** Fresh random bytes: a rank's share of the key, or a challenge. */
    static byte[] draw() {
        byte[] b = new byte[BYTES];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The ring's key from the shares of ranks 0..W-1. */
    static RingKey of(List<byte[]> shares) {
        MessageDigest sha = sha256();
        for (int r = 0; r < shares.size(); r++) {
            if (shares.get(r).length != BYTES) {
                throw new AllReduceError("all-reduce: rank " + r + " offered a ring key share of " + shares.get(r).length + " bytes, not " + BYTES);
            }
            sha.update(shares.get(r));
        }
        return new RingKey(sha.digest());
    }

    /**
     * What the sender of a link end proves with: HMAC(key, role || challenge || rank || world). The
     * role tells the two ends' proofs apart, so neither can be replayed as the other; rank and world
     * bind the proof to the greeting that claimed them.
     */
    byte[] proof(String role, byte[] challenge, int rank, int world) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(role.getBytes(StandardCharsets.US_ASCII));
            mac.update(challenge);
            return mac.doFinal(ByteBuffer.allocate(8).putInt(rank).putInt(world).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime: " + e, e);
        }
    }

    /** Whether a proof is this key's, compared in constant time. */
    boolean accepts(byte[] proof, String role, byte[] challenge, int rank, int world) {
        return MessageDigest.isEqual(proof, proof(role, challenge, rank, world));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime: " + e, e);
        }
    }

    /** Never the key itself: a RingKey may end up in a log line or an error message. */
    @Override
    public String toString() {
        return "RingKey[hidden]";
    }
}
