package org.lit.cli;

import org.lit.core.config.ModelConfig;
import org.lit.core.io.TensorFiles;
import org.lit.core.nn.DiffusionTransformer;
import org.lit.distill.Inheritance;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * DiT -> LiT weight inheritance: copies everything but attention from the teacher, starts Q/K/V/O
 * and the depth-wise conv fresh (or loads any of Q, K, V, O from the teacher), writes the student
 * and prints what each tensor is.
 */
@Command(name = "inherit", mixinStandardHelpOptions = true,
        description = "Initialise a LiT from a pretrained DiT: all but attention copied; prints each tensor, copied or fresh, and its shape.")
final class InheritCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--teacher", required = true, description = "the DiT: DiT-XL-2-256x256.pt (a bare state dict), a train.py checkpoint, or .safetensors")
    Path teacher;

    @Option(names = "--teacher-weights", defaultValue = "ema", description = "from a train.py checkpoint: ema or model (default: ${DEFAULT-VALUE})")
    String teacherWeights;

    @Option(names = "--load-attention", defaultValue = "", description = "also load these from the teacher's qkv / proj: any of q,k,v,o (default: none)")
    String loadAttention;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the fresh initialisation (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "the student's weights (.safetensors)")
    Path out;

    @Override
    public void run() {
        if (!teacherWeights.equals("ema") && !teacherWeights.equals("model")) {
            throw new IllegalArgumentException("--teacher-weights must be ema or model, got '" + teacherWeights + "'");
        }
        ModelConfig config = options.modelConfig();
        DiffusionTransformer student = new DiffusionTransformer(config, DataType.FLOAT);
        List<Inheritance.Row> rows = Inheritance.apply(student.parameters(), TensorFiles.read(teacher, teacherWeights), Inheritance.pieces(loadAttention),
                seed, teacher.toString());
        int width = rows.stream().mapToInt(r -> r.name().length()).max().orElse(10);
        System.out.printf("%-" + width + "s  %-8s  %s%n", "parameter", "from", "shape");
        for (Inheritance.Row r : rows) {
            System.out.printf("%-" + width + "s  %-8s  %s%n", r.name(), r.copied() ? "copied" : "fresh", Arrays.toString(r.shape())
                    + (r.source().startsWith("teacher") ? "  (" + r.source() + ")" : ""));
        }
        TensorFiles.write(out, student.parameters().toMap());
        long copied = rows.stream().filter(Inheritance.Row::copied).count();
        System.out.printf("%s from %s: %d tensors copied, %d fresh; wrote %s%n", config.name(), teacher, copied, rows.size() - copied, out);
    }
}
