package org.lit.core.gpu;

/** A visible GPU the CUDA build's kernels cannot run on; the message names each such device and what to do. */
public final class UnsupportedGpuException extends IllegalStateException {
    public UnsupportedGpuException(String message) {
        super(message);
    }
}
