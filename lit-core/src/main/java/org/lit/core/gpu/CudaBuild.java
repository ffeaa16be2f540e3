package org.lit.core.gpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The GPUs a CUDA build of libnd4j can run, from the machine code (SASS) compiled into it. CUDA's
 * binary compatibility: a cubin for sm_XY runs on devices of major X with minor >= Y (sm_86 code on an
 * 8.9 card), never on another major. PTX would be JIT-compiled for newer devices, but the shipped
 * build carries none, so its SASS list is all it can run.
 *
 * <p>What nd4j-cuda-11.6:1.0.0-M2.1 carries, read off its libnd4jcuda.so (the linux-x86_64 and the
 * linux-x86_64-cudnn jars alike): the ELF section .nv_fatbin holds 228 (cudnn: 239) fat binaries;
 * walking each one's entry headers (kind 1 = PTX, 2 = cubin; target arch) gives nine cubins per
 * fat binary, sm_37, sm_50, sm_52, sm_60, sm_61, sm_70, sm_75, sm_80, sm_86, and no PTX entry. The
 * cubins are LZ4-compressed; each one's own ELF header, decompressed, says EM_CUDA and the same
 * sm in e_flags. No cuobjdump here: tools/cuda/sass.py read the headers; `strings` finds no sm_XX,
 * only "compute_86" in host symbol names of nvcc's temporary files. So it runs on 3.7 (K80), 5.x,
 * 6.x, 7.x and 8.x (8.9 on the sm_86 code), not on Kepler 3.5 and older, and not on Hopper 9.0
 * (H100, H200) or anything newer. README, GPU nodes.
 */
public final class CudaBuild {
    public static final CudaBuild ND4J_CUDA_11_6 = new CudaBuild("nd4j-cuda-11.6 1.0.0-M2.1", 37, 50, 52, 60, 61, 70, 75, 80, 86);

    /**
     * The SASS of a libnd4j built from source, in place of the shipped list: -Dlit.cuda.sass=80,86,90
     * (each JVM that runs ND4J needs it: executors through spark.executor.extraJavaOptions).
     */
    public static final String SASS_PROPERTY = "lit.cuda.sass";

    private final String name;
    private final int[] sass;   // sm numbers, ascending: 86 = compute capability 8.6

    public CudaBuild(String name, int... sass) {
        if (sass.length == 0) throw new IllegalArgumentException(name + ": no SASS architectures");
        this.name = name;
        this.sass = sass.clone();
        Arrays.sort(this.sass);
    }

    /** The build this JVM runs: the shipped one, unless -Dlit.cuda.sass declares a build of one's own. */
    public static CudaBuild current() {
        String declared = System.getProperty(SASS_PROPERTY);
        if (declared == null || declared.isBlank()) return ND4J_CUDA_11_6;
        try {
            int[] sms = Arrays.stream(declared.split(",")).map(s -> s.trim().replaceFirst("^sm_", "")).mapToInt(Integer::parseInt).toArray();
            return new CudaBuild("libnd4j with -D" + SASS_PROPERTY + "=" + declared, sms);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SASS_PROPERTY + "=" + declared + ": expected SASS architectures such as 80,86,90 or sm_80,sm_86,sm_90");
        }
    }

    /** The sm code a device runs: the newest cubin of its major not newer than the device, if any. */
    public OptionalInt cubinFor(CudaDevice device) {
        OptionalInt best = OptionalInt.empty();
        for (int sm : sass) {
            if (sm / 10 == device.major() && sm % 10 <= device.minor()) best = OptionalInt.of(sm);
        }
        return best;
    }

    /** Why the device cannot run this build, with what to do; empty when it can. */
    public Optional<String> problem(CudaDevice device) {
        if (cubinFor(device).isPresent()) return Optional.empty();
        int sm = device.major() * 10 + device.minor();
        return Optional.of(device + " cannot run " + name + ": its kernels are compiled for " + architectures() + " only (no PTX to JIT-compile): "
                + "they run on compute capability " + supportedRange() + ". Use a GPU of those capabilities (hide this one with CUDA_VISIBLE_DEVICES), "
                + "run the CPU build (mvn package without -Pcuda), or build libnd4j's CUDA backend from the deeplearning4j 1.0.0-M2.1 sources with "
                + "-Dlibnd4j.compute=" + sm + " (and a CUDA toolkit that compiles sm_" + sm + ") and declare it with -D" + SASS_PROPERTY + "=" + sm + ".");
    }

    /** Refuses the devices this build cannot run, naming each; nothing to check is fine (the CPU backend). */
    public void require(List<CudaDevice> devices) {
        List<String> problems = new ArrayList<>();
        for (CudaDevice d : devices) problem(d).ifPresent(problems::add);
        if (!problems.isEmpty()) throw new UnsupportedGpuException(String.join("\n", problems));
    }

    /** "sm_37, sm_50, ..., sm_86". */
    public String architectures() {
        return Arrays.stream(sass).mapToObj(sm -> "sm_" + sm).collect(Collectors.joining(", "));
    }

    /**
     * The capabilities covered, as runs of whole majors: "3.7 to 3.x, 5.0 to 8.x". A run goes on
     * while the next major follows and is covered from its .0.
     */
    public String supportedRange() {
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < sass.length) {
            int first = sass[i], last = first / 10;
            while (i < sass.length && sass[i] / 10 == last) i++;
            while (i < sass.length && sass[i] / 10 == last + 1 && sass[i] % 10 == 0) {
                last++;
                while (i < sass.length && sass[i] / 10 == last) i++;
            }
            runs.add(first / 10 + "." + first % 10 + " to " + last + ".x");
        }
        return String.join(", ", runs);
    }

    public String name() {
        return name;
    }
}
