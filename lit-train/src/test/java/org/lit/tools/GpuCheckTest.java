package org.lit.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tools/gpu/check.sh on a machine without an NVIDIA GPU (this one): it stops at once, exit 2, saying
 * so, before it builds or runs anything; whether nvidia-smi is missing, fails (no driver) or lists
 * no GPU. Its steps on a GPU were never run here.
 */
class GpuCheckTest {
    private static final String SCRIPT = "tools/gpu/check.sh";
    /** What check.sh uses before it knows whether there is a GPU. */
    private static final List<String> TOOLS = List.of("dirname", "grep");

    @TempDir
    Path dir;

    private void assertNoGpu(Map<String, String> fakeNvidiaSmi) throws Exception {
        Scripts.Result r = Scripts.run(Scripts.bin(dir, TOOLS, fakeNvidiaSmi), dir, 30, SCRIPT);
        assertEquals(2, r.exit(), "exit code; stderr: " + r.err());
        assertTrue(r.err().contains("no NVIDIA GPU found"), r.err());
        assertEquals("", r.out(), "nothing else ran");
        assertTrue(r.seconds() < 5, "took " + r.seconds() + " s");
    }

    @Test
    void withoutNvidiaSmi() throws Exception {
        assertNoGpu(Map.of());
    }

    @Test
    void whenNvidiaSmiFindsNoDriver() throws Exception {
        assertNoGpu(Map.of("nvidia-smi", "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"; exit 9"));
    }

    @Test
    void whenNvidiaSmiListsNoGpu() throws Exception {
        assertNoGpu(Map.of("nvidia-smi", "echo 'No devices were found'; exit 0"));
    }
}
