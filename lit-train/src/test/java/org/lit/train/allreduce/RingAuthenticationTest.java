package org.lit.train.allreduce;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lit.data.CapturedLog;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strangers at a rank's listening port, on loopback: each connects before the ring's own ranks
 * join, so it is the first connection the rank accepts. It is refused and logged with its address,
 * and the ring still forms and sums.
 */
class RingAuthenticationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Every rank's sum of {rank + 1, 10 (rank + 1)}: {W(W+1)/2, 10 W(W+1)/2} if the ring formed. */
    private static List<float[]> sums(LoopbackRing ring) {
        return ring.join((rank, a) -> {
            INDArray x = Nd4j.createFromArray(rank + 1f, 10f * (rank + 1));
            a.sum(x);
            return x.toFloatVector();
        });
    }

    private static void assertSums(int world, List<float[]> got) {
        float s = world * (world + 1) / 2f;
        assertEquals(world, got.size());
        for (float[] g : got) assertArrayEquals(new float[] {s, 10 * s}, g, 0f);
    }

    private static InetSocketAddress addressOf(LoopbackRing ring, int rank) {
        return TcpTransport.address(ring.offers().get(rank));
    }

    /** Connects now (so it is first in the rank's accept queue), then acts on a thread of its own. */
    private static CompletableFuture<String> stranger(InetSocketAddress at, Act act, SocketChannel[] opened) throws IOException {
        SocketChannel c = SocketChannel.open(at);
        opened[0] = c;
        return CompletableFuture.supplyAsync(() -> {
            try (c) {
                return act.on(c);
            } catch (IOException e) {
                return "failed: " + e.getMessage();
            }
        }, task -> new Thread(task, "stranger").start());
    }

    private interface Act {
        String on(SocketChannel c) throws IOException;
    }

    /** What a refused connection sees once it has sent its bytes: the rank closes it. */
    private static String afterSending(SocketChannel c) throws IOException {
        c.socket().setSoTimeout(15_000);
        return c.socket().getInputStream().read() < 0 ? "closed by the rank" : "the rank answered";
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void aStrangerWithTheRightGreetingButNoKeyIsRefusedAndTheRingForms(int world) throws Exception {
        LoopbackRing ring = new LoopbackRing(world, TIMEOUT, 1 << 20);
        SocketChannel[] at = new SocketChannel[1];
        try (CapturedLog warnings = new CapturedLog(RingAllReduce.class)) {
            CompletableFuture<String> outcome = stranger(addressOf(ring, 1), c -> {
                c.write(ByteBuffer.allocate(12).putInt(RingHandshake.GREETING).putInt(0).putInt(world).flip());   // rank 0's greeting
                ByteBuffer challenge = ByteBuffer.allocate(RingKey.BYTES);
                while (challenge.hasRemaining()) c.read(challenge);
                c.write(ByteBuffer.wrap(new byte[2 * RingKey.BYTES]));   // a "proof" without the key, and a challenge
                return afterSending(c);
            }, at);
            String stranger = at[0].getLocalAddress().toString();
            assertSums(world, sums(ring));
            assertEquals("closed by the rank", outcome.get());
            assertEquals(1, warnings.messages().size(), warnings.messages().toString());
            String warning = warnings.messages().get(0);
            assertTrue(warning.contains("rank 1 refused a connection from " + stranger) && warning.contains("without proof of this ring's key"), warning);
        }
    }

    @Test
    void aStragglerOfAnEarlierAttemptIsRefusedAndTheRingForms() throws Exception {
        LoopbackRing earlier = new LoopbackRing(2, TIMEOUT, 1 << 20);
        assertSums(2, sums(earlier));
        RingKey earlierKey = TcpTransport.key(earlier.offers());
        LoopbackRing ring = new LoopbackRing(2, TIMEOUT, 1 << 20);
        SocketChannel[] at = new SocketChannel[1];
        try (CapturedLog warnings = new CapturedLog(RingAllReduce.class)) {
            // Rank 0 of the earlier attempt, still dialing: the whole handshake, with that attempt's key.
            CompletableFuture<String> outcome = stranger(addressOf(ring, 1), c -> {
                RingHandshake.dial(c, earlierKey, 0, 2, System.nanoTime() + TIMEOUT.toNanos());
                return "admitted";
            }, at);
            String straggler = at[0].getLocalAddress().toString();
            assertSums(2, sums(ring));
            assertTrue(outcome.get().startsWith("failed: closed the link after 0 of 32"), outcome.get());
            assertEquals(1, warnings.messages().size(), warnings.messages().toString());
            assertTrue(warnings.messages().get(0).contains("from " + straggler + ": greeting as rank 0 without proof"), warnings.messages().get(0));
        }
    }

    @Test
    void aPortScanAndASilentConnectionDoNotBreakTheRing() throws Exception {
        LoopbackRing ring = new LoopbackRing(2, TIMEOUT, 1 << 20);
        try (CapturedLog warnings = new CapturedLog(RingAllReduce.class)) {
            SocketChannel scan = SocketChannel.open(addressOf(ring, 0));
            String scanned = scan.getLocalAddress().toString();
            scan.close();                                          // connect and go
            SocketChannel silent = SocketChannel.open(addressOf(ring, 0));   // connect and say nothing
            String quiet = silent.getLocalAddress().toString();
            long start = System.nanoTime();
            assertSums(2, sums(ring));
            double seconds = (System.nanoTime() - start) / 1e9;
            silent.close();
            List<String> w = warnings.messages();
            assertEquals(2, w.size(), w.toString());
            assertTrue(w.get(0).contains("from " + scanned + ": closed the link after 0 of 12 handshake bytes"), w.get(0));
            assertTrue(w.get(1).contains("from " + quiet + ": silent: 0 of 12 handshake bytes by the deadline"), w.get(1));
            // The silent one holds the real peer up for the handshake deadline (5 s), not the ring's timeout (20 s).
            assertTrue(seconds > 4.5 && seconds < 12, "the ring formed after " + seconds + " s");
        }
    }

    @Test
    void aRingWhosePeerNeverComesNamesItAndCountsTheRefused() throws Exception {
        TcpTransport t = new TcpTransport("127.0.0.1", Duration.ofMillis(1500), 1 << 20);
        String mine = t.offer(0);
        String theirs = new TcpTransport("127.0.0.1", Duration.ofMillis(1500), 1 << 20).offer(1);   // listens, never joins
        SocketChannel.open(TcpTransport.address(mine)).close();
        AllReduceError e = assertThrows(AllReduceError.class, () -> t.join(0, List.of(mine, theirs)));
        assertTrue(e.getMessage().contains("for rank 1 (") && e.getMessage().contains("to connect; it did not (1 other connection(s) refused, logged)"),
                e.getMessage());
    }

    /** Both ends of one link, on a plain socket pair: the key's holder is admitted; anyone else, and any other key, is not. */
    @Test
    void theHandshakeAdmitsOnlyAHolderOfTheSameKey() throws Exception {
        RingKey key = RingKey.of(List.of(RingKey.draw(), RingKey.draw())), other = RingKey.of(List.of(RingKey.draw(), RingKey.draw()));
        assertEquals(1, handshake(key, key, 1, 3));
        assertEquals("greeting as rank 1 without proof of this ring's key (a stranger, or a task of an earlier attempt)", handshake(other, key, 1, 3));
        assertEquals("greeting claims rank 1 of 4, this ring has 3 ranks", handshake(key, key, 1, 4));
        byte[] challenge = RingKey.draw();
        assertFalse(key.accepts(key.proof("dialer", challenge, 1, 3), "acceptor", challenge, 1, 3), "one end's proof does not pass as the other's");
        assertEquals("RingKey[hidden]", key.toString());
    }

    /** The rank the acceptor admits (holding acceptorKey, ring of 3) when a dialer with dialerKey greets as rank of world; or the refusal. */
    private static Object handshake(RingKey dialerKey, RingKey acceptorKey, int rank, int world) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            CompletableFuture<String> dialer = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel c = SocketChannel.open(server.getLocalAddress())) {
                    RingHandshake.dial(c, dialerKey, rank, world, deadline);
                    return "dialer satisfied";
                } catch (IOException e) {
                    return "dialer failed: " + e.getMessage();
                }
            }, task -> new Thread(task, "dialer").start());
            try (SocketChannel c = server.accept()) {
                int admitted = RingHandshake.admit(c, acceptorKey, 2, 3, deadline);
                assertEquals("dialer satisfied", dialer.get(), "the acceptor proved the key back");
                return admitted;
            } catch (RingHandshake.Refused e) {
                assertTrue(dialer.get().startsWith("dialer failed: closed the link"), dialer.get());
                return e.getMessage();
            }
        }
    }
}
