package org.lit.cli;

import org.lit.data.SyntheticShapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** lit make-synthetic --out DIR: the project's own small class-conditional image set. */
@Command(name = "make-synthetic", mixinStandardHelpOptions = true,
        description = "Write a small class-conditional image set (coloured shapes, one class each) as DIR/train/<class>/*.png.")
final class MakeSyntheticCommand implements Runnable {
    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--per-class", defaultValue = "100", description = "images per class (default: ${DEFAULT-VALUE})")
    int perClass;

    @Option(names = "--size", defaultValue = "32", description = "image side in pixels (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public void run() {
        SyntheticShapes.write(out, perClass, size, seed);
        System.out.printf("wrote %d images of %d classes (%dx%d) to %s%n", perClass * SyntheticShapes.CLASSES.size(),
                SyntheticShapes.CLASSES.size(), size, size, out.resolve("train"));
    }
}
