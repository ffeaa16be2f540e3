package org.lit.core.gpu;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped CUDA build against real cards, by the names and capabilities their drivers report. */
class CudaBuildTest {
    private static final CudaBuild SHIPPED = CudaBuild.ND4J_CUDA_11_6;

    private static CudaDevice card(String name, int major, int minor) {
        return new CudaDevice(0, name, major, minor);
    }

    @Test
    void runsEachSupportedCardOnTheNewestCubinOfItsMajor() {
        Map<CudaDevice, Integer> cubin = Map.ofEntries(
                Map.entry(card("Tesla K80", 3, 7), 37),
                Map.entry(card("NVIDIA GeForce GTX 750 Ti", 5, 0), 50),        // Maxwell GM107
                Map.entry(card("Tesla M40", 5, 2), 52),
                Map.entry(card("Tesla P100-PCIE-16GB", 6, 0), 60),
                Map.entry(card("Tesla P4", 6, 1), 61),
                Map.entry(card("Tesla V100-SXM2-16GB", 7, 0), 70),
                Map.entry(card("Tesla T4", 7, 5), 75),
                Map.entry(card("NVIDIA A100-SXM4-40GB", 8, 0), 80),
                Map.entry(card("NVIDIA A10", 8, 6), 86),
                Map.entry(card("NVIDIA GeForce RTX 3090", 8, 6), 86),
                Map.entry(card("NVIDIA L4", 8, 9), 86),                        // Ada: the sm_86 code, same major
                Map.entry(card("NVIDIA GeForce RTX 4090", 8, 9), 86));
        cubin.forEach((device, sm) -> {
            assertEquals(OptionalInt.of(sm), SHIPPED.cubinFor(device), device.toString());
            assertTrue(SHIPPED.problem(device).isEmpty(), device.toString());
        });
        SHIPPED.require(List.copyOf(cubin.keySet()));   // no exception
    }

    @Test
    void refusesCardsNoCubinRuns() {
        for (CudaDevice device : List.of(card("NVIDIA H100 80GB HBM3", 9, 0), card("NVIDIA H200", 9, 0), card("Tesla K40m", 3, 5),
                card("NVIDIA B200", 10, 0))) {
            assertEquals(OptionalInt.empty(), SHIPPED.cubinFor(device), device.toString());
            assertTrue(SHIPPED.problem(device).isPresent(), device.toString());
        }
    }

    @Test
    void theRangeAndArchitecturesAreWhatTheNativesCarry() {
        assertEquals("sm_37, sm_50, sm_52, sm_60, sm_61, sm_70, sm_75, sm_80, sm_86", SHIPPED.architectures());
        assertEquals("3.7 to 3.x, 5.0 to 8.x", SHIPPED.supportedRange());
        assertEquals("7.0 to 7.x, 9.0 to 9.x", new CudaBuild("b", 90, 70).supportedRange());
        assertEquals("8.6 to 8.x", new CudaBuild("b", 86).supportedRange());
        assertEquals("8.0 to 9.x", new CudaBuild("b", 80, 86, 90).supportedRange());
        assertEquals("8.0 to 8.x, 9.5 to 9.x", new CudaBuild("b", 80, 95).supportedRange());
    }

    @Test
    void theErrorNamesEachRefusedDeviceItsCapabilityTheRangeAndWhatToDo() {
        CudaDevice a100 = new CudaDevice(0, "NVIDIA A100-SXM4-40GB", 8, 0);
        CudaDevice h100 = new CudaDevice(1, "NVIDIA H100 80GB HBM3", 9, 0);
        CudaDevice h200 = new CudaDevice(2, "NVIDIA H200", 9, 0);
        UnsupportedGpuException e = assertThrows(UnsupportedGpuException.class, () -> SHIPPED.require(List.of(a100, h100, h200)));
        String[] lines = e.getMessage().split("\n");
        assertEquals(2, lines.length, e.getMessage());
        assertTrue(lines[0].startsWith("GPU 1 (NVIDIA H100 80GB HBM3, compute capability 9.0) cannot run nd4j-cuda-11.6 1.0.0-M2.1"), lines[0]);
        assertTrue(lines[1].startsWith("GPU 2 (NVIDIA H200, compute capability 9.0)"), lines[1]);
        for (String part : new String[] {"sm_37, sm_50, sm_52, sm_60, sm_61, sm_70, sm_75, sm_80, sm_86 only", "no PTX", "3.7 to 3.x, 5.0 to 8.x",
                "CUDA_VISIBLE_DEVICES", "without -Pcuda", "-Dlibnd4j.compute=90", "-Dlit.cuda.sass=90"}) {
            assertTrue(lines[0].contains(part), part + " missing: " + lines[0]);
        }
        SHIPPED.require(List.of());   // the CPU backend: nothing to check
    }

    @Test
    void aBuildOfOnesOwnIsDeclaredBySystemProperty() {
        CudaDevice h100 = card("NVIDIA H100 80GB HBM3", 9, 0);
        String before = System.getProperty(CudaBuild.SASS_PROPERTY);
        try {
            System.clearProperty(CudaBuild.SASS_PROPERTY);
            assertEquals(SHIPPED, CudaBuild.current());
            System.setProperty(CudaBuild.SASS_PROPERTY, "sm_80, 86,90");
            CudaBuild own = CudaBuild.current();
            assertEquals("sm_80, sm_86, sm_90", own.architectures());
            assertEquals(OptionalInt.of(90), own.cubinFor(h100));
            System.setProperty(CudaBuild.SASS_PROPERTY, "hopper");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, CudaBuild::current);
            assertTrue(bad.getMessage().contains("-Dlit.cuda.sass=hopper"), bad.getMessage());
        } finally {
            if (before == null) System.clearProperty(CudaBuild.SASS_PROPERTY);
            else System.setProperty(CudaBuild.SASS_PROPERTY, before);
        }
    }

    @Test
    void theCpuBackendHasNoDeviceToCheck() {
        assertEquals(List.of(), CudaDevices.visible());
        CudaDevices.requireSupported();
    }
}
