package org.lit.train.allreduce;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TCP ring between threads on loopback: sums, bucketing, determinism and failures. */
class RingAllReduceTest {

    private static float[] values(int rank, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) Math.sin(0.37 * i + rank) * (rank + 1);
        return v;
    }

    @Test
    void threeRanksSumFloatsAcrossManyBucketsAndUnevenSegments() throws Exception {
        int n = 10_007;                                        // not a multiple of 3 or of the bucket
        List<float[]> got = LoopbackRing.run(3, Duration.ofSeconds(20), 4096, (rank, a) -> {
            INDArray x = Nd4j.createFromArray(values(rank, n));
            a.sum(x);
            return x.toFloatVector();
        });
        for (int i = 0; i < n; i++) {
            double expected = 0;
            for (int r = 0; r < 3; r++) expected += values(r, n)[i];
            assertEquals(expected, got.get(0)[i], 1e-5, "element " + i);
        }
        assertArrayEquals(got.get(0), got.get(1), 0f, "every rank ends with the same bits");
        assertArrayEquals(got.get(0), got.get(2), 0f);
    }

    @Test
    void doublesAndBuffersShorterThanTheWorld() throws Exception {
        List<double[]> got = LoopbackRing.run(3, Duration.ofSeconds(20), 1 << 20, (rank, a) -> {
            INDArray x = Nd4j.createFromArray(rank + 0.25, 10.0 * rank);
            a.sum(x);
            return x.toDoubleVector();
        });
        for (double[] g : got) assertArrayEquals(new double[] {3.75, 30.0}, g, 0.0);
    }

    @Test
    void aViewIsSummedInPlaceWithoutTouchingItsNeighbours() throws Exception {
        List<float[]> got = LoopbackRing.run(2, Duration.ofSeconds(20), 1 << 20, (rank, a) -> {
            INDArray whole = Nd4j.createFromArray(new float[] {100, 1 + rank, 2 + rank, 3 + rank, 100});
            a.sum(whole.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4)));
            return whole.toFloatVector();
        });
        assertArrayEquals(new float[] {100, 3, 5, 7, 100}, got.get(1), 0f);
    }

    @Test
    void aRingOfOneLeavesTheBufferAsItIs() {
        INDArray x = Nd4j.createFromArray(1f, 2f);
        RingAllReduce.alone().sum(x);
        assertArrayEquals(new float[] {1, 2}, x.toFloatVector(), 0f);
    }

    @Test
    void aSilentPeerFailsTheSumNamingItInsteadOfHanging() throws Exception {
        long start = System.nanoTime();
        List<String> errors = LoopbackRing.run(2, Duration.ofMillis(700), 1 << 20, (rank, a) -> {
            if (rank == 1) {
                sleep(3000);                                   // alive, but never joins the sum
                return "";
            }
            AllReduceError e = assertThrows(AllReduceError.class, () -> a.sum(Nd4j.zeros(DataType.FLOAT, 1000)));
            return e.getMessage();
        });
        assertTrue(errors.get(0).contains("rank 1") && errors.get(0).contains("stopped answering"), errors.get(0));
        assertTrue((System.nanoTime() - start) / 1e9 < 10);
    }

    @Test
    void aPeerThatDiesClosesItsLinkAndTheOthersFailFast() throws Exception {
        List<String> errors = LoopbackRing.run(2, Duration.ofSeconds(30), 1 << 20, (rank, a) -> {
            if (rank == 1) {
                a.close();                                      // the task ended
                return "";
            }
            AllReduceError e = assertThrows(AllReduceError.class, () -> a.sum(Nd4j.zeros(DataType.FLOAT, 100_000)));
            return e.getMessage();
        });
        assertTrue(errors.get(0).contains("rank 1"), errors.get(0));
    }

    @Test
    void aRankThatNeverConnectsIsNamed() {
        TcpTransport t = new TcpTransport("127.0.0.1", Duration.ofMillis(500), 1 << 20);
        String mine = t.offer(0);
        TcpTransport absent = new TcpTransport("127.0.0.1", Duration.ofMillis(500), 1 << 20);
        String theirs = absent.offer(1);                      // listens, but never joins
        AllReduceError e = assertThrows(AllReduceError.class, () -> t.join(0, List.of(mine, theirs)));
        assertTrue(e.getMessage().contains("rank 1") && e.getMessage().contains("to connect"), e.getMessage());
    }

    @Test
    void transportChoice() {
        assertEquals("tcp", Transports.resolve("auto", "CpuBackend"));
        assertEquals("nccl", Transports.resolve("auto", "JCublasBackend"));
        assertEquals("tcp", Transports.resolve("tcp", "JCublasBackend"));
        assertEquals("nccl", Transports.resolve("nccl", "JCublasBackend"));
        var cpu = assertThrows(org.lit.core.config.ConfigError.class, () -> Transports.resolve("nccl", "CpuBackend"));
        assertTrue(cpu.getMessage().contains("-Pcuda"), cpu.getMessage());
        var typo = assertThrows(org.lit.core.config.ConfigError.class, () -> Transports.resolve("ncl", "CpuBackend"));
        assertEquals("train.allreduce.transport", typo.key());
        assertTrue(Transports.open("auto", "CpuBackend", "127.0.0.1", Duration.ofSeconds(1), 1) instanceof TcpTransport);
        // This (CPU) build has no NCCL classes: asking for NCCL on a CUDA backend names the build to use.
        var missing = assertThrows(org.lit.core.config.ConfigError.class,
                () -> Transports.open("nccl", "JCublasBackend", "127.0.0.1", Duration.ofSeconds(1), 1));
        assertTrue(missing.getMessage().contains("mvn -Pcuda"), missing.getMessage());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
