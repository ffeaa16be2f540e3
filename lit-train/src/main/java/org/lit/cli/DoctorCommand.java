package org.lit.cli;

import com.typesafe.config.Config;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bytedeco.javacpp.Pointer;
import org.lit.cli.Checkup.Finding;
import org.lit.core.config.ModelConfig;
import org.lit.core.config.ModelConfigs;
import org.lit.core.gpu.CudaBuild;
import org.lit.core.gpu.CudaDevice;
import org.lit.core.gpu.CudaDevices;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.data.HadoopFiles;
import org.lit.data.SparkJobs;
import org.lit.train.ParallelConfig;
import org.lit.train.SparkTraining;
import org.lit.train.TrainConfig;
import org.lit.train.Trainer;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * lit doctor [-c FILE] [--run DIR] [--master M]: what a training job would meet on this machine, one
 * check per line: the ND4J backend, its devices and BLAS, threads, OMP_WAIT_POLICY, the GPUs against
 * the CUDA build, memory, the config, the Spark master, every file the config names, the run
 * directory and its free disk. Exits 1, naming the failed checks, on anything that would make the job fail.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check this machine and a training config before a job: backend, devices, threads, GPUs, memory, master, URIs, run directory, disk.")
final class DoctorCommand implements Callable<Integer> {
    /** The config keys that name a file or folder (any Hadoop URI); an empty one is not used. */
    static final List<String> URI_KEYS = List.of("data.path", "data.latents", "data.vae", "train.init", "train.eval.ref", "train.eval.inception",
            "distill.teacher");

    private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");
    private static final int CONNECT_TIMEOUT_MS = 5000;

    @Mixin
    ModelOptions options;

    @Mixin
    SparkOptions spark;

    @Option(names = "--run", description = "the run directory lit train would get (any Hadoop FileSystem URI): writable, and its free disk")
    String run;

    private Config config;              // null when it did not load
    private ModelConfig modelConfig;

    @Override
    public Integer call() {
        Checkup c = new Checkup(System.out);
        c.check("backend", this::backend);
        c.check("devices", this::devices);
        c.check("blas", this::blas);
        c.check("threads", this::threads);
        c.check("omp-wait-policy", this::waitPolicy);
        gpus(c);
        c.check("memory", this::memory);
        c.check("config", this::config);
        c.check("spark-master", this::master);
        boolean reachable = true;
        if (config != null) {
            for (String key : URI_KEYS) {
                String uri = config.getString(key);
                if (!uri.isBlank()) reachable &= c.check(key, () -> reachable(key, uri)) != Checkup.Status.FAIL;
            }
        }
        boolean dataReachable = reachable;
        c.check("training-data", () -> trainingData(dataReachable));
        c.check("run-dir", this::runDir);
        c.check("disk", this::disk);
        return c.verdict();
    }

    private Finding backend() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();   // loads the backend, which native ops need first
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        String built = Arrays.stream(ops.buildInfo().split("\n")).map(String::strip).filter(l -> l.startsWith("HAVE_") && !l.equals("HAVE_FLATBUFFERS"))
                .map(l -> l.substring("HAVE_".length())).collect(Collectors.joining(", "));
        String what = environment().get("backend") + " (" + backend + "), libnd4j built with " + built;
        if (!ops.isMinimalRequirementsMet()) return Finding.fail(what + ": its natives need CPU instructions this CPU lacks; use the generic build (README, Backends)");
        return Finding.ok(what);
    }

    private Finding devices() throws IOException {
        if (Nd4j.getEnvironment().isCPU()) {
            java.nio.file.Path cpuinfo = java.nio.file.Path.of("/proc/cpuinfo");
            String model = !Files.isReadable(cpuinfo) ? "CPU" : Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("CPU");
            return Finding.ok(model + ", " + Runtime.getRuntime().availableProcessors() + " processors");
        }
        List<CudaDevice> devices = CudaDevices.visible();
        if (devices.isEmpty()) return Finding.fail("the CUDA build sees no GPU (CUDA_VISIBLE_DEVICES=" + System.getenv("CUDA_VISIBLE_DEVICES") + ")");
        return Finding.ok(devices.stream().map(d -> {
            CudaDevices.Memory m = CudaDevices.memory(d);
            return d + ": " + bytes(m.free()) + " free of " + bytes(m.total());
        }).collect(Collectors.joining("; ")));
    }

    private Finding blas() {
        Properties env = environment();   // values of several types: get, not getProperty
        return Finding.ok(env.get("blas.vendor") + ", " + env.get("blas.threads") + " threads");
    }

    private Finding threads() {
        int nd4j = Nd4j.getEnvironment().maxThreads(), processors = Runtime.getRuntime().availableProcessors();
        String omp = System.getenv("OMP_NUM_THREADS");
        String what = "ND4J's OpenMP threads " + nd4j + ", available processors " + processors + ", OMP_NUM_THREADS " + (omp == null ? "unset" : omp);
        if (nd4j > processors) return Finding.warn(what + ": more threads than processors slow every op; set OMP_NUM_THREADS=" + processors);
        return Finding.ok(what);
    }

    private Finding waitPolicy() {
        String policy = System.getenv("OMP_WAIT_POLICY");
        if (policy != null && policy.equalsIgnoreCase("PASSIVE")) return Finding.ok("PASSIVE (as ./lit sets it)");
        return Finding.warn((policy == null ? "unset" : policy) + ": OpenMP threads spin after each op and take the cores the next op needs "
                + "(README, Threads); export OMP_WAIT_POLICY=PASSIVE (./lit does; on a cluster --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE)");
    }

    /** One line per visible GPU: the compute-capability check every job's tasks run as they start. */
    private void gpus(Checkup c) {
        List<CudaDevice> devices;
        try {
            devices = CudaDevices.visible();
        } catch (RuntimeException | LinkageError e) {
            return;   // the backend did not start: its line and the devices line failed with this already
        }
        if (devices.isEmpty()) {
            c.check("gpu", () -> Finding.skip(Nd4j.getEnvironment().isCPU() ? "CPU backend: no CUDA device to check" : "no visible GPU (devices, above)"));
            return;
        }
        for (CudaDevice d : devices) {
            c.check("gpu " + d.index(), () -> {
                CudaBuild build = CudaBuild.current();
                return build.problem(d).map(Finding::fail)
                        .orElseGet(() -> Finding.ok(d + " runs the sm_" + build.cubinFor(d).getAsInt() + " code of " + build.name()));
            });
        }
    }

    private Finding memory() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long heap = Runtime.getRuntime().maxMemory(), offHeap = Pointer.maxBytes(), physical = os.getTotalMemorySize();
        String what = "heap max " + bytes(heap) + ", ND4J off-heap limit " + bytes(offHeap) + "; physical " + bytes(physical) + ", "
                + bytes(os.getFreeMemorySize()) + " free (page cache aside)";
        if (heap + offHeap > physical) {
            return Finding.warn(what + ": heap and off-heap may outgrow physical memory (killed, not an OutOfMemoryError); lower -Xmx or "
                    + "-Dorg.bytedeco.javacpp.maxbytes (LIT_JAVA_OPTS)");
        }
        return Finding.ok(what);
    }

    private Finding config() {
        Config resolved = options.resolve();
        modelConfig = ModelConfigs.fromConfig(resolved);
        config = resolved;
        String params = String.format(Locale.ROOT, "%,d parameters", DiffusionTransformer.info(modelConfig).parameters());
        if (options.config == null) return Finding.ok("no -c FILE: the defaults, " + modelConfig.name() + " (" + params + ")");
        return Finding.ok(options.config + ": " + modelConfig.name() + " (" + params + ")");
    }

    /**
     * The master lit train would use; a standalone master is tried over TCP. On the embedded master the
     * worker count is known, so the two checks lit train makes before its barrier stage are made here.
     */
    private Finding master() throws IOException {
        int configured = config == null ? 0 : ParallelConfig.from(config).workers();
        String master = SparkJobs.conf(spark.conf(), "lit doctor", configured).get("spark.master");
        Matcher local = LOCAL_MASTER.matcher(master);
        if (local.matches()) {
            int slots = local.group(1) == null ? 1 : local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(local.group(1));
            int workers = configured > 0 ? configured : slots;
            SparkTraining.checkLocalSlots(master, workers, slots);
            if (config != null) Trainer.checkBatchSplit(TrainConfig.from(config), workers);
            return Finding.ok(master + " (embedded): " + workers + " worker" + (workers > 1 ? "s" : ""));
        }
        if (!master.startsWith("spark://")) return Finding.ok(master + " (not probed: Spark's own client finds it)");
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                return Finding.fail(master + ": cannot reach " + hostPort + ": " + e.getMessage());
            }
        }
        return Finding.ok(master + " (reachable)");
    }

    private static Finding reachable(String key, String uri) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = HadoopFiles.fileSystem(path, new Configuration());
        Path qualified = fs.makeQualified(path);
        try {
            FileStatus s = fs.getFileStatus(path);
            return Finding.ok(qualified + (s.isDirectory() ? ": a directory" : ": a file of " + bytes(s.getLen())));
        } catch (FileNotFoundException e) {
            return Finding.fail(key + " = \"" + uri + "\": not found (" + qualified + ")");
        } catch (IOException e) {
            return Finding.fail(key + " = \"" + uri + "\": cannot reach " + qualified + ": " + e.getMessage());
        }
    }

    /** The config against its data, as lit train checks it before Spark starts (a pixel folder is decoded in full). */
    private Finding trainingData(boolean reachable) {
        if (options.config == null && options.overrides.isEmpty()) return Finding.skip("no -c FILE");
        if (config == null) return Finding.skip("the config did not load (above)");
        if (!reachable) return Finding.skip("its files are not all reachable (above)");
        Trainer.validate(config, modelConfig);
        return Finding.ok("the model, batch and evaluation keys fit " + (config.getString("data.latents").isBlank() ? config.getString("data.path")
                : config.getString("data.latents")));
    }

    /**
     * The run directory is writable when a probe file can be made in it, or, when it does not exist
     * yet (lit train makes it), in its nearest existing ancestor; no existing file is touched.
     */
    private Finding runDir() throws IOException {
        if (run == null) return Finding.skip("no --run DIR");
        FileSystem fs = HadoopFiles.fileSystem(new Path(run), new Configuration());
        Path dir = fs.makeQualified(new Path(run));
        Path existing = nearestExisting(fs, dir);
        if (!fs.getFileStatus(existing).isDirectory()) {
            return Finding.fail(existing + " is a file, so the run directory " + run + " cannot be " + (existing.equals(dir) ? "used" : "made"));
        }
        Path probe = new Path(existing, ".lit-doctor-" + UUID.randomUUID() + ".tmp");
        try {
            fs.create(probe, false).close();
        } catch (IOException e) {
            return Finding.fail("cannot write in " + existing + ": " + e.getMessage());
        } finally {
            if (fs.exists(probe)) fs.delete(probe, false);
        }
        return Finding.ok(existing.equals(dir) ? dir + " is writable" : dir + " will be made in " + existing + " (writable)");
    }

    /**
     * Free space where the run directory lives against what checkpoints take (model, EMA and AdamW's two
     * moments in float32: 16 bytes a parameter): less than one fails the first checkpoint; lit train
     * holds keep-checkpoints plus the one being written.
     */
    private Finding disk() throws IOException {
        if (run == null) return Finding.skip("no --run DIR");
        FileSystem fs = HadoopFiles.fileSystem(new Path(run), new Configuration());
        Path dir = fs.makeQualified(new Path(run));
        Path existing = nearestExisting(fs, dir);
        // Hadoop's local status counts the blocks reserved for root as free; the JDK's usable space does not.
        long free = "file".equals(fs.getUri().getScheme()) ? new java.io.File(existing.toUri()).getUsableSpace() : fs.getStatus(existing).getRemaining();
        String what = bytes(free) + " free at " + dir;
        if (modelConfig == null) return Finding.ok(what);
        long checkpoint = 16 * DiffusionTransformer.info(modelConfig).parameters();
        int held = TrainConfig.from(config).keepCheckpoints() + 1;
        what += "; a checkpoint of " + modelConfig.name() + " takes " + bytes(checkpoint) + ", lit train holds " + held;
        if (free < checkpoint) return Finding.fail(what + ": not even one fits");
        if (free < held * checkpoint) return Finding.warn(what + ": not all of them fit (lower train.keep-checkpoints)");
        return Finding.ok(what);
    }

    private static Path nearestExisting(FileSystem fs, Path dir) throws IOException {
        Path p = dir;
        while (!fs.exists(p)) p = p.getParent();   // the root always exists
        return p;
    }

    private static Properties environment() {
        return Nd4j.getExecutioner().getEnvironmentInformation();
    }

    private static String bytes(long n) {
        double[] scale = {1L << 30, 1L << 20, 1L << 10};
        String[] unit = {"GB", "MB", "KB"};
        for (int i = 0; i < scale.length; i++) {
            if (n >= scale[i]) return String.format(Locale.ROOT, "%.1f %s", n / scale[i], unit[i]);
        }
        return n + " bytes";
    }
}
