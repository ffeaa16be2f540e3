package org.lit.train.allreduce;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * The first bytes on a ring link, from rank r (which dialed) to rank r+1 (which accepted), before
 * any gradient moves. Both ends prove they hold the ring's key by answering a challenge the other
 * end just drew, so nothing a stranger saw or kept from an earlier attempt is accepted again:
 * <pre>
 *   dialer   -> acceptor  greeting: "LiTR", rank, world (3 big-endian int32)
 *   acceptor -> dialer    challenge A (32 random bytes)
 *   dialer   -> acceptor  HMAC(key, "dialer" A rank world), challenge B (32 + 32 bytes)
 *   acceptor -> dialer    HMAC(key, "acceptor" B rank+1 world) (32 bytes), only if the first proof held
 * </pre>
 * The acceptor refuses (and closes) a link whose greeting, world or proof is wrong, or that stays
 * silent or closes before the deadline; refusing one link does not stop it accepting the next.
 */
final class RingHandshake {
    static final int GREETING = 0x4C695452;   // "LiTR"
    private static final String DIALER = "dialer", ACCEPTOR = "acceptor";

    private RingHandshake() {
    }

    /** A link the acceptor does not take, and why: a stranger, a straggler, or a port scan. */
    static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }

    /** The dialing end, rank `rank`; fails if the far end does not answer in time or does not prove the key. */
    static void dial(SocketChannel link, RingKey key, int rank, int world, long deadlineNanos) throws IOException {
        write(link, ByteBuffer.allocate(12).putInt(GREETING).putInt(rank).putInt(world).array());
        byte[] challenge = read(link, RingKey.BYTES, deadlineNanos), mine = RingKey.draw();
        write(link, concat(key.proof(DIALER, challenge, rank, world), mine));
        byte[] answer = read(link, RingKey.BYTES, deadlineNanos);
        int next = (rank + 1) % world;
        if (!key.accepts(answer, ACCEPTOR, mine, next, world)) {
            throw new IOException("it answered without proving it holds this ring's key (not this attempt's rank " + next + ")");
        }
    }

    /** The accepting end of a ring of `world`, rank `rank`: the rank the dialer proved to be, or Refused. */
    static int admit(SocketChannel link, RingKey key, int rank, int world, long deadlineNanos) throws Refused {
        try {
            ByteBuffer greeting = ByteBuffer.wrap(read(link, 12, deadlineNanos));
            int magic = greeting.getInt(), sender = greeting.getInt(), senderWorld = greeting.getInt();
            if (magic != GREETING) throw new Refused("not a ring greeting (first word 0x" + Integer.toHexString(magic) + ")");
            if (senderWorld != world || sender < 0 || sender >= world) {
                throw new Refused("greeting claims rank " + sender + " of " + senderWorld + ", this ring has " + world + " ranks");
            }
            byte[] challenge = RingKey.draw();
            write(link, challenge);
            byte[] reply = read(link, 2 * RingKey.BYTES, deadlineNanos);
            if (!key.accepts(Arrays.copyOf(reply, RingKey.BYTES), DIALER, challenge, sender, world)) {
                throw new Refused("greeting as rank " + sender + " without proof of this ring's key (a stranger, or a task of an earlier attempt)");
            }
            write(link, key.proof(ACCEPTOR, Arrays.copyOfRange(reply, RingKey.BYTES, 2 * RingKey.BYTES), rank, world));
            return sender;
        } catch (IOException e) {
            throw new Refused(e.getMessage());
        }
    }

    private static void write(SocketChannel link, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) link.write(b);
    }

    /** Exactly n bytes (never more: what follows is the ring's data), by the deadline. */
    private static byte[] read(SocketChannel link, int n, long deadlineNanos) throws IOException {
        byte[] b = new byte[n];
        InputStream in = link.socket().getInputStream();
        for (int off = 0; off < n; ) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) throw new SocketTimeoutException("silent: " + off + " of " + n + " handshake bytes by the deadline");
            link.socket().setSoTimeout(RingAllReduce.millisUntil(deadlineNanos));
            int got;
            try {
                got = in.read(b, off, n - off);
            } catch (SocketTimeoutException e) {
                continue;                                   // the deadline check above says how far it got
            }
            if (got < 0) throw new EOFException("closed the link after " + off + " of " + n + " handshake bytes");
            off += got;
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] ab = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, ab, a.length, b.length);
        return ab;
    }
}
