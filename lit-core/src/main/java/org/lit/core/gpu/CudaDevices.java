package org.lit.core.gpu;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.ArrayList;
import java.util.List;

/**
 * The CUDA devices this JVM sees, read through libnd4j's native ops (the properties it took from the
 * driver when the backend started); none on the CPU backend. Never run on a GPU here (README, GPU nodes).
 */
public final class CudaDevices {
    private CudaDevices() {
    }

    /** A device's memory in bytes, as the driver reports it now. */
    public record Memory(long free, long total) {
    }

    /** Every visible device (CUDA_VISIBLE_DEVICES applies); an empty list on the CPU backend. */
    public static List<CudaDevice> visible() {
        if (Nd4j.getEnvironment().isCPU()) return List.of();
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        List<CudaDevice> devices = new ArrayList<>();
        for (int i = 0; i < ops.getAvailableDevices(); i++) {
            devices.add(new CudaDevice(i, ops.getDeviceName(i), ops.getDeviceMajor(i), ops.getDeviceMinor(i)));
        }
        return devices;
    }

    public static Memory memory(CudaDevice device) {
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        return new Memory(ops.getDeviceFreeMemory(device.index()), ops.getDeviceTotalMemory(device.index()));
    }

    /**
     * Refuses to go on when any visible GPU cannot run the CUDA build's kernels: every job calls it as
     * its tasks start, before their first op (TaskGpu.bind), so the message comes before a "no kernel
     * image is available" deep inside an op. Nothing to do on the CPU backend.
     */
    public static void requireSupported() {
        CudaBuild.current().require(visible());
    }
}
