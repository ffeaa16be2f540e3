package org.lit.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the repository's shell scripts as a machine with only the given tools would: PATH is one
 * folder holding links to those tools of this machine and the fakes a test writes (a fake
 * nvidia-smi), so a real nvidia-smi here cannot leak in.
 */
final class Scripts {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    record Result(int exit, String out, String err, double seconds) {
    }

    private Scripts() {
    }

    /** A PATH folder under dir: links to these tools of this machine, plus fakes (name -> shell script body). */
    static Path bin(Path dir, List<String> tools, Map<String, String> fakes) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : tools) {
            Path real = List.of(Path.of("/usr/bin", tool), Path.of("/bin", tool)).stream().filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new IllegalStateException("this machine has no " + tool + " in /usr/bin or /bin"));
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
        for (Map.Entry<String, String> fake : fakes.entrySet()) {
            Path script = bin.resolve(fake.getKey());
            Files.writeString(script, "#!/bin/sh\n" + fake.getValue() + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    /** bash SCRIPT ARGS... with PATH = bin only; fails the test if it runs longer than the timeout. */
    static Result run(Path bin, Path dir, int timeoutSeconds, String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/bin/bash", ROOT.resolve(script).toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("PATH", bin.toString());
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " still ran after " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err), (System.nanoTime() - start) / 1e9);
    }
}
