package org.lit.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lit.core.config.ConfigError;
import org.lit.core.config.Configs;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * engine.tf32 as far as the CPU build can see it: on by default (DiT), a known key that --set can
 * turn off, handed on as the Spark setting, and no effect at all on the CPU backend. The cuBLAS
 * side (CublasTf32) is compiled only with -Pcuda and runs only on a GPU (tools/gpu/check.sh).
 */
class Tf32Test {
    @AfterEach
    void defaults() {
        System.clearProperty(Tf32.SPARK_KEY);
    }

    @Test
    void onByDefaultAndOffWithSet() {
        assertTrue(Tf32.byDefault());
        assertTrue(Configs.load(null, List.of()).getBoolean(Tf32.KEY));
        Tf32.start(Configs.load(null, List.of("engine.tf32=false")));
        assertEquals("false", System.getProperty(Tf32.SPARK_KEY));
        Tf32.start(Configs.load(null, List.of()));
        assertEquals("true", System.getProperty(Tf32.SPARK_KEY));
        assertThrows(ConfigError.class, () -> Configs.load(null, List.of("engine.tf33=false")));
    }

    @Test
    void nothingChangesOnTheCpu() {
        assumeTrue(Nd4j.getEnvironment().isCPU(), "on CUDA engine.tf32 does change float32 GEMMs");
        Nd4j.getRandom().setSeed(5);
        INDArray a = Nd4j.randn(DataType.FLOAT, 64, 96), b = Nd4j.randn(DataType.FLOAT, 96, 80);
        INDArray before = a.mmul(b);
        Tf32.apply(true);
        assertArrayEquals(before.toFloatMatrix(), a.mmul(b).toFloatMatrix(), "a float32 GEMM after engine.tf32 = true, bit for bit");
        Tf32.apply(false);
        assertArrayEquals(before.toFloatMatrix(), a.mmul(b).toFloatMatrix(), "a float32 GEMM after engine.tf32 = false, bit for bit");
    }
}
