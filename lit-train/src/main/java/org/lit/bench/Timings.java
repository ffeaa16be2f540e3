package org.lit.bench;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** Median wall and process-CPU seconds of a call, as the PyTorch scripts' timings() measure theirs. */
public final class Timings {
    private Timings() {
    }

    /** {wall, cpu}: each the median over runs timed calls, after warmup untimed ones. */
    public static double[] median(Runnable call, int runs, int warmup) {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < warmup; i++) call.run();
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime(), cpuStart = os.getProcessCpuTime();
            call.run();
            wall[i] = (System.nanoTime() - start) / 1e9;
            cpu[i] = (os.getProcessCpuTime() - cpuStart) / 1e9;
        }
        return new double[] {median(wall), median(cpu)};
    }

    private static double median(double[] t) {
        Arrays.sort(t);
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }
}
