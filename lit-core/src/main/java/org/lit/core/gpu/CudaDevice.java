package org.lit.core.gpu;

/** A CUDA device as the driver reports it: its index among the visible devices, name and compute capability. */
public record CudaDevice(int index, String name, int major, int minor) {

    /** The capability as NVIDIA writes it, e.g. "8.6". */
    public String capability() {
        return major + "." + minor;
    }

    @Override
    public String toString() {
        return "GPU " + index + " (" + name + ", compute capability " + capability() + ")";
    }
}
