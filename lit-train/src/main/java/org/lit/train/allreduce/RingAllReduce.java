package org.lit.train.allreduce;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Bandwidth-optimal ring all-reduce over TCP. The buffer is cut into buckets, each bucket into W
 * segments; W-1 reduce-scatter steps (send one segment to the next rank, add the one received from
 * the previous) leave rank r with the full sum of segment r+1, and W-1 all-gather steps pass the
 * finished segments round. Every rank sends and receives 2(W-1)/W of the buffer whatever W is,
 * and each element is summed in an order fixed by the ring, so results are deterministic.
 *
 * Sending and receiving run together on non-blocking channels under one selector, so no rank waits
 * for its neighbour to drain a socket buffer; a link without progress for the timeout fails with
 * the silent peer named instead of hanging.
 */
public final class RingAllReduce implements AllReduce {
    private static final Logger LOG = LoggerFactory.getLogger(RingAllReduce.class);
    /** How long a connection may take to prove it is rank-1 before it is refused as a stranger. */
    private static final Duration HANDSHAKE = Duration.ofSeconds(5);

    private final int rank;
    private final int world;
    private final List<InetSocketAddress> peers;
    private final SocketChannel toNext;
    private final SocketChannel fromPrevious;
    private final Selector selector;
    private final long timeoutMillis;
    private final long bucketBytes;
    private ByteBuffer scratch = ByteBuffer.allocateDirect(0);

    private RingAllReduce(int rank, List<InetSocketAddress> peers, SocketChannel toNext, SocketChannel fromPrevious, Selector selector,
                          Duration timeout, long bucketBytes) {
        this.rank = rank;
        this.world = peers.size();
        this.peers = peers;
        this.toNext = toNext;
        this.fromPrevious = fromPrevious;
        this.selector = selector;
        this.timeoutMillis = timeout.toMillis();
        this.bucketBytes = bucketBytes;
    }

    /** A ring of one: the sum over a single worker is its own buffer, and nothing moves. */
    public static RingAllReduce alone() {
        return new RingAllReduce(0, List.of(InetSocketAddress.createUnresolved("self", 0)), null, null, null, Duration.ZERO, 1);
    }

    /** A listening socket for this rank's incoming link, bound before its address is published. */
    public static ServerSocketChannel listen(String host) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(host, 0));
            return server;
        } catch (IOException e) {
            throw new AllReduceError("all-reduce: cannot listen on " + host + ": " + e.getMessage());
        }
    }

    /**
     * Joins the ring: links to rank+1's published address and accepts rank-1's link on the server
     * this rank published (and closes it). Both ends of each link prove they hold the ring's key
     * before any data moves (RingHandshake). A connection that fails the handshake is refused and
     * logged, and the wait for rank-1 goes on until the timeout.
     */
    static RingAllReduce connect(int rank, List<InetSocketAddress> peers, ServerSocketChannel server, RingKey key, Duration timeout, long bucketBytes) {
        int world = peers.size();
        int next = (rank + 1) % world, previous = (rank + world - 1) % world;
        if (world == 1) {
            closeQuietly(server);
            return alone();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // The outgoing link answers rank+1's challenge on a thread of its own while this one accepts:
        // every rank dials and accepts at once, so doing one after the other would deadlock the ring.
        CompletableFuture<SocketChannel> dialing = CompletableFuture.supplyAsync(() -> linkToNext(rank, peers, key, deadline), RingAllReduce::daemon);
        SocketChannel fromPrevious = null;
        try (server) {
            fromPrevious = acceptPrevious(rank, peers, server, key, deadline, timeout);
            SocketChannel toNext = dialing.join();
            Selector selector = Selector.open();
            for (SocketChannel c : new SocketChannel[] {toNext, fromPrevious}) {
                c.socket().setTcpNoDelay(true);
                c.configureBlocking(false);
                c.register(selector, 0);
            }
            return new RingAllReduce(rank, peers, toNext, fromPrevious, selector, timeout, bucketBytes);
        } catch (IOException | RuntimeException e) {
            closeQuietly(fromPrevious);
            dialing.thenAccept(RingAllReduce::closeQuietly);     // a link that still forms is not used
            if (e instanceof CompletionException c && c.getCause() instanceof AllReduceError a) throw a;
            if (e instanceof AllReduceError a) throw a;
            throw new AllReduceError("all-reduce: rank " + rank + " cannot join the ring (next " + peers.get(next) + ", previous "
                    + peers.get(previous) + "): " + e.getMessage());
        }
    }

    /** The link to rank+1, its handshake done. */
    private static SocketChannel linkToNext(int rank, List<InetSocketAddress> peers, RingKey key, long deadline) {
        int next = (rank + 1) % peers.size();
        SocketChannel c = null;
        try {
            c = dial(peers.get(next), deadline);
            RingHandshake.dial(c, key, rank, peers.size(), deadline);
            return c;
        } catch (IOException e) {
            closeQuietly(c);
            throw new AllReduceError("all-reduce: rank " + rank + " cannot link to rank " + next + " (" + peers.get(next) + "): " + e.getMessage());
        }
    }

    /**
     * The link from rank-1: accepts until a connection proves to be it or the deadline passes. A
     * stranger gets at most HANDSHAKE of the wait (the real rank-1 answers at once: its dialing
     * thread waits for the challenge), and is refused, closed and logged with its address.
     */
    private static SocketChannel acceptPrevious(int rank, List<InetSocketAddress> peers, ServerSocketChannel server, RingKey key, long deadline,
                                                Duration timeout) throws IOException {
        int world = peers.size(), previous = (rank + world - 1) % world;
        int refused = 0;
        while (true) {
            SocketChannel c;
            try {
                server.socket().setSoTimeout(millisUntil(deadline));
                c = server.socket().accept().getChannel();
            } catch (SocketTimeoutException e) {
                throw new AllReduceError("all-reduce: rank " + rank + " waited " + timeout.toMillis() / 1000.0 + " s for rank " + previous + " ("
                        + peers.get(previous) + ") to connect; it did not" + (refused > 0 ? " (" + refused + " other connection(s) refused, logged)" : ""));
            }
            try {
                int sender = RingHandshake.admit(c, key, rank, world, Math.min(deadline, System.nanoTime() + HANDSHAKE.toNanos()));
                if (sender != previous) {
                    // It holds this attempt's key, so it is one of this ring's ranks: the ring itself is miswired.
                    throw new AllReduceError("all-reduce: rank " + rank + " expected rank " + previous + " of " + world + " to connect, but rank "
                            + sender + " did (" + c.getRemoteAddress() + ")");
                }
                return c;
            } catch (RingHandshake.Refused e) {
                refused++;
                LOG.warn("all-reduce: rank {} refused a connection from {}: {}; still waiting for rank {} ({})", rank, remote(c), e.getMessage(),
                        previous, peers.get(previous));
                closeQuietly(c);
            } catch (RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
        }
    }

    private static String remote(SocketChannel c) {
        try {
            return String.valueOf(c.getRemoteAddress());
        } catch (IOException e) {
            return "an address no longer known (" + e.getMessage() + ")";
        }
    }

    private static void daemon(Runnable task) {
        Thread t = new Thread(task, "lit-ring-link");
        t.setDaemon(true);
        t.start();
    }

    /** Connects, retrying while the peer is not yet listening, until the deadline. */
    private static SocketChannel dial(InetSocketAddress peer, long deadline) throws IOException {
        while (true) {
            SocketChannel c = SocketChannel.open();
            try {
                c.socket().connect(peer, millisUntil(deadline));
                return c;
            } catch (IOException e) {
                c.close();
                if (System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while connecting to " + peer, ie);
                }
            }
        }
    }

    @Override
    public void sum(INDArray values) {
        if (world == 1) return;
        if (!values.isVector() || values.elementWiseStride() != 1) {
            throw new IllegalArgumentException("all-reduce sums contiguous vectors; got shape " + java.util.Arrays.toString(values.shape()));
        }
        int width = values.dataType().width();
        if (width != 4 && width != 8 || !values.dataType().isFPType()) {
            throw new IllegalArgumentException("all-reduce sums float32 or float64 buffers; got " + values.dataType());
        }
        // On a GPU backend the TCP ring works on the host copy (NCCL is the transport that does not).
        Nd4j.getAffinityManager().ensureLocation(values, AffinityManager.Location.HOST);
        long perBucket = perBucket(width);
        for (long from = 0; from < values.length(); from += perBucket) {
            int count = (int) Math.min(perBucket, values.length() - from);
            ring(window(values, from, count), count, width);
        }
        Nd4j.getAffinityManager().tagLocation(values, AffinityManager.Location.HOST);
    }

    private long perBucket(int width) {
        return Math.max(world, bucketBytes / width);
    }

    /**
     * The buckets sum() cuts. None on a GPU backend: there the ring works on the host copy, whose
     * location ND4J tracks for the whole buffer, so a window must not move while the device still
     * writes the rest.
     */
    @Override
    public long bucketLength(int width) {
        return world == 1 || !Nd4j.getEnvironment().isCPU() ? 0 : perBucket(width);
    }

    /** A native-order view of `count` elements of the array's memory from element `from` (no copy). */
    private static ByteBuffer window(INDArray values, long from, int count) {
        Pointer p = values.data().pointer();
        long start = values.offset() + from;
        Pointer w = values.dataType().width() == 4 ? new FloatPointer(p).getPointer(start).limit(count) : new DoublePointer(p).getPointer(start).limit(count);
        return w.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    private void ring(ByteBuffer bucket, int count, int width) {
        int largest = (count / world + 1) * width;
        if (scratch.capacity() < largest) scratch = ByteBuffer.allocateDirect(largest).order(ByteOrder.nativeOrder());
        for (int k = 0; k < world - 1; k++) {                              // reduce-scatter
            int send = Math.floorMod(rank - k, world), receive = Math.floorMod(rank - k - 1, world);
            ByteBuffer in = scratch.clear().limit(segmentBytes(count, width, receive));
            exchange(segment(bucket, count, width, send), in, k);
            add(segment(bucket, count, width, receive), in.flip(), width);
        }
        for (int k = 0; k < world - 1; k++) {                              // all-gather
            int send = Math.floorMod(rank + 1 - k, world), receive = Math.floorMod(rank - k, world);
            exchange(segment(bucket, count, width, send), segment(bucket, count, width, receive), k);
        }
    }

    private int segmentStart(int count, int s) {
        return (int) ((long) count * s / world);
    }

    private int segmentBytes(int count, int width, int s) {
        return (segmentStart(count, s + 1) - segmentStart(count, s)) * width;
    }

    private ByteBuffer segment(ByteBuffer bucket, int count, int width, int s) {
        return bucket.slice(segmentStart(count, s) * width, segmentBytes(count, width, s)).order(ByteOrder.nativeOrder());
    }

    private static void add(ByteBuffer into, ByteBuffer from, int width) {
        if (width == 4) {
            FloatBuffer a = into.asFloatBuffer(), b = from.asFloatBuffer();
            for (int i = 0; i < a.limit(); i++) a.put(i, a.get(i) + b.get(i));
        } else {
            DoubleBuffer a = into.asDoubleBuffer(), b = from.asDoubleBuffer();
            for (int i = 0; i < a.limit(); i++) a.put(i, a.get(i) + b.get(i));
        }
    }

    /** Sends `out` to the next rank while receiving `in` from the previous one. */
    private void exchange(ByteBuffer out, ByteBuffer in, int step) {
        SelectionKey write = toNext.keyFor(selector), read = fromPrevious.keyFor(selector);
        try {
            while (out.hasRemaining() || in.hasRemaining()) {
                write.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : 0);
                read.interestOps(in.hasRemaining() ? SelectionKey.OP_READ : 0);
                if (selector.select(timeoutMillis) == 0) {
                    int silent = in.hasRemaining() ? Math.floorMod(rank - 1, world) : (rank + 1) % world;
                    throw new AllReduceError("all-reduce: rank " + silent + " (" + peers.get(silent) + ") stopped answering: no progress for "
                            + timeoutMillis / 1000.0 + " s in ring step " + step + " (rank " + rank + " of " + world + ")");
                }
                selector.selectedKeys().clear();
                if (out.hasRemaining() && write.isWritable()) toNext.write(out);
                if (in.hasRemaining() && read.isReadable() && fromPrevious.read(in) < 0) {
                    int previous = Math.floorMod(rank - 1, world);
                    throw new AllReduceError("all-reduce: rank " + previous + " (" + peers.get(previous) + ") closed its link (its task ended or failed)");
                }
            }
        } catch (IOException e) {
            int next = (rank + 1) % world, previous = Math.floorMod(rank - 1, world);
            throw new AllReduceError("all-reduce: rank " + rank + " lost its ring link (next rank " + next + " at " + peers.get(next) + ", previous rank "
                    + previous + " at " + peers.get(previous) + "): " + e.getMessage());
        }
    }

    /** A socket timeout that ends at the deadline (at least 1 ms: 0 would mean forever). */
    static int millisUntil(long deadline) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }

    private static void closeQuietly(Closeable... channels) {
        for (Closeable c : channels) {
            try {
                if (c != null) c.close();
            } catch (IOException ignored) {
                // closing after a failure: the failure is what gets reported
            }
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return world;
    }

    @Override
    public String transport() {
        return "tcp";
    }

    @Override
    public void close() {
        closeQuietly(toNext, fromPrevious);
        try {
            if (selector != null) selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
