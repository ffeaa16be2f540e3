package org.lit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory as Linux counts it: VmRSS, resident now, and VmHWM, the most that
 * has been resident since the last reset (writing 5 to /proc/self/clear_refs). Everything counts:
 * the JVM heap's touched pages, ND4J's off-heap arrays and workspaces, libnd4j's and oneDNN's own
 * buffers. The kernel raises the mark before it unmaps anything, so a peak that comes and goes
 * between two reads is not missed, as it can be by a sampler.
 */
public final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ResidentMemory() {
    }

    /** Bytes resident now (VmRSS). */
    public static long now() {
        return field("VmRSS");
    }

    /** The most bytes resident since the last {@link #resetPeak()} (VmHWM). */
    public static long peak() {
        return field("VmHWM");
    }

    /** Sets the high-water mark to what is resident now. */
    public static void resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the resident high-water mark (writing 5 to " + CLEAR_REFS
                    + ", Linux 4.0 or later): " + e.getMessage(), e);
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name + ":")) return Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]) * 1024;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS + " (peak memory needs Linux): " + e.getMessage(), e);
        }
        throw new IllegalStateException(STATUS + " has no " + name + " line (peak memory needs Linux)");
    }
}
