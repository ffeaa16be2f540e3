package org.lit.train.allreduce;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;

/** The TCP ring: each rank offers the host:port it listens on, then links to its ring neighbours. */
public final class TcpTransport implements Transport {
    private final String host;
    private final Duration timeout;
    private final long bucketBytes;
    private ServerSocketChannel server;

    public TcpTransport(String host, Duration timeout, long bucketBytes) {
        this.host = host;
        this.timeout = timeout;
        this.bucketBytes = bucketBytes;
    }

    @Override
    public String offer(int rank) {
        server = RingAllReduce.listen("0.0.0.0");
        return host + ":" + server.socket().getLocalPort();
    }

    @Override
    public AllReduce join(int rank, List<String> offers) {
        if (server == null) throw new IllegalStateException("join before offer");
        List<InetSocketAddress> peers = offers.stream().map(TcpTransport::address).toList();
        return RingAllReduce.connect(rank, peers, server, timeout, bucketBytes);
    }

    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) throw new AllReduceError("all-reduce: a rank offered '" + hostPort + "', not host:port");
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
