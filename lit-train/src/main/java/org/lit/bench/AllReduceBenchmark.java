package org.lit.bench;

import org.lit.train.ParallelConfig;
import org.lit.train.allreduce.LoopbackRing;
import org.lit.train.allreduce.Transport;
import org.lit.train.allreduce.Transports;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The all-reduce's speed: seconds per sum of a buffer over W ranks of this process, through the TCP
 * ring on loopback or NCCL between this node's GPUs, and seconds to push the same bytes through one
 * plain loopback socket.
 */
public final class AllReduceBenchmark {
    private static final int CHUNK = 1 << 20;

    private AllReduceBenchmark() {
    }

    /** Median seconds to sum an n-float buffer over W threads joined by the transport train.allreduce.transport resolves to. */
    public static double sumSeconds(ParallelConfig p, int world, int n, int runs) {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        List<Transport> ranks = new ArrayList<>();
        for (int r = 0; r < world; r++) ranks.add(Transports.open(p.transport(), backend, "127.0.0.1", p.timeout(), p.bucketBytes()));
        return new LoopbackRing(ranks).join((rank, a) -> {
            INDArray x = Nd4j.rand(DataType.FLOAT, n);
            return StepBenchmark.median(runs, 1, () -> a.sum(x));
        }).get(0);
    }

    /** Median seconds to copy `bytes` from one thread to another through a loopback TCP socket. */
    public static double socketCopySeconds(long bytes, int runs) {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             SocketChannel out = SocketChannel.open(server.getLocalAddress());
             SocketChannel in = server.accept()) {
            ByteBuffer send = ByteBuffer.allocateDirect(CHUNK), receive = ByteBuffer.allocateDirect(CHUNK);
            return StepBenchmark.median(runs, 1, () -> {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> pump(bytes, send, out, true));
                pump(bytes, receive, in, false);
                writer.join();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("loopback socket benchmark: " + e.getMessage(), e);
        }
    }

    private static void pump(long bytes, ByteBuffer buffer, SocketChannel channel, boolean write) {
        try {
            for (long done = 0; done < bytes; ) {
                buffer.clear().limit((int) Math.min(CHUNK, bytes - done));
                while (buffer.hasRemaining()) done += write ? channel.write(buffer) : channel.read(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
