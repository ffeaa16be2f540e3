package org.lit.train.allreduce;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The TCP ring: each rank offers the host:port it listens on and its random share of the ring's key
 * ("host:port share", the share in base64), then links to its ring neighbours. The offers travel
 * only through the barrier's allGather; no log line or error message carries a share.
 */
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
        return host + ":" + server.socket().getLocalPort() + " " + Base64.getEncoder().encodeToString(RingKey.draw());
    }

    @Override
    public AllReduce join(int rank, List<String> offers) {
        if (server == null) throw new IllegalStateException("join before offer");
        List<InetSocketAddress> peers = offers.stream().map(TcpTransport::address).toList();
        return RingAllReduce.connect(rank, peers, server, key(offers), timeout, bucketBytes);
    }

    /** The ring's key from everyone's offers, in rank order. */
    static RingKey key(List<String> offers) {
        return RingKey.of(offers.stream().map(o -> Base64.getDecoder().decode(o.substring(o.indexOf(' ') + 1))).toList());
    }

    static InetSocketAddress address(String offer) {
        int space = offer.indexOf(' ');
        String hostPort = space < 0 ? offer : offer.substring(0, space);
        int colon = hostPort.lastIndexOf(':');
        if (space < 0 || colon < 0) throw new AllReduceError("all-reduce: a rank offered '" + hostPort + "', not 'host:port share'");
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
