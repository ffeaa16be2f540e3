package org.lit.core;

import org.bytedeco.cuda.cublas.cublasContext;
import org.nd4j.jita.allocator.impl.AtomicAllocator;
import org.nd4j.jita.allocator.pointers.cuda.cublasHandle_t;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasGetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasGetStatusString;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;

/**
 * engine.tf32 on the CUDA build (compiled only with -Pcuda). libnd4j's GEMMs (cublasSgemm_v2,
 * cublasSgemmBatched) and ND4J's Java BLAS calls all use one cuBLAS handle per GPU, the launch
 * context's (CudaContext.getCublasHandle() is nativeOps.lcBlasHandle of it); its math mode decides
 * whether float32 GEMMs may use TF32. JavaCPP's cuBLAS presets call the same libcublas.so.11 that
 * libnd4jcuda.so links, as ND4J's own JcublasLevel3 does with this handle.
 */
final class CublasTf32 implements Tf32.Switch {
    /** Ampere: the first GPUs with TF32 tensor cores. */
    private static final int TF32_MAJOR = 8;
    private static final Logger LOG = LoggerFactory.getLogger(CublasTf32.class);

    @Override
    public void set(boolean tf32) {
        int device = Nd4j.getAffinityManager().getDeviceForCurrentThread();
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int major = ops.getDeviceMajor(device);
        String capability = major + "." + ops.getDeviceMinor(device);
        boolean tensorCores = major >= TF32_MAJOR;
        int mode = tf32 && tensorCores ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH;
        cublasHandle_t handle = AtomicAllocator.getInstance().getDeviceContext().getCublasHandle();
        synchronized (handle) {   // ND4J's JcublasLevel3 holds this lock while it sets the handle's stream and calls it
            cublasContext context = new cublasContext(handle);
            int[] current = new int[1];
            check(cublasGetMathMode(context, current), "cublasGetMathMode");
            if (current[0] == mode) return;
            check(cublasSetMathMode(context, mode), "cublasSetMathMode");
        }
        if (tf32 && !tensorCores) {
            LOG.info("{} = true, but GPU {} ({}) is compute capability {}: TF32 needs 8.0 or newer, so its GEMMs stay IEEE float32",
                    Tf32.KEY, device, ops.getDeviceName(device), capability);
        } else {
            LOG.info("{} = {}: cuBLAS float32 GEMMs on GPU {} ({}, compute capability {}) {}", Tf32.KEY, tf32, device, ops.getDeviceName(device),
                    capability, tf32 ? "use TF32 tensor cores" : "stay IEEE float32");
        }
    }

    private static void check(int status, String call) {
        if (status != 0) throw new IllegalStateException("cuBLAS: " + call + " failed: " + cublasGetStatusString(status).getString());
    }
}
