package org.lit.train.allreduce;

import org.lit.core.config.ConfigError;

import java.time.Duration;

/**
 * Picks the all-reduce transport from `train.allreduce.transport`: tcp, nccl, or auto (NCCL when
 * ND4J runs on CUDA, the TCP ring otherwise). NCCL's classes are compiled only into the CUDA
 * build (-Pcuda), so a CPU build names that build instead of failing somewhere deeper.
 */
public final class Transports {
    static final String NCCL_CLASS = "org.lit.train.allreduce.NcclTransport";

    private Transports() {
    }

    /** The transport name a setting resolves to on a backend ("CpuBackend", "JCublasBackend", ...). */
    public static String resolve(String setting, String backend) {
        boolean cuda = backend.toLowerCase().contains("cublas") || backend.toLowerCase().contains("cuda");
        return switch (setting) {
            case "tcp" -> "tcp";
            case "auto" -> cuda ? "nccl" : "tcp";
            case "nccl" -> {
                if (!cuda) {
                    throw new ConfigError("train.allreduce.transport", "train.allreduce.transport = nccl needs GPU workers running the CUDA build (mvn -Pcuda); "
                            + "this worker's ND4J backend is " + backend + ". Use tcp or auto.");
                }
                yield "nccl";
            }
            default -> throw new ConfigError("train.allreduce.transport", "train.allreduce.transport must be auto, tcp or nccl, got '" + setting + "'");
        };
    }

    /** The transport for a worker; host is the address other workers reach it at. */
    public static Transport open(String setting, String backend, String host, Duration timeout, long bucketBytes) {
        String name = resolve(setting, backend);
        if (name.equals("tcp")) return new TcpTransport(host, timeout, bucketBytes);
        try {
            return (Transport) Class.forName(NCCL_CLASS).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new ConfigError("train.allreduce.transport", "this lit.jar was built without NCCL; build it with mvn -Pcuda for GPU workers, or set train.allreduce.transport = tcp");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start the NCCL transport: " + e, e);
        }
    }
}
