package org.lit.cli;

import org.lit.core.config.ConfigError;
import org.lit.core.io.TensorFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `lit` command: one runnable jar for `java -jar lit.jar ...` and `spark-submit lit.jar ...`. */
@Command(name = "lit", mixinStandardHelpOptions = true, version = "lit 0.1.0",
        description = "Train, distil and evaluate DiT and LiT (linear diffusion transformers) on the JVM.",
        subcommands = {TrainCommand.class, EncodeCommand.class, PreprocessCommand.class, VaeCommand.class, SampleCommand.class, PlotCommand.class,
                MakeSyntheticCommand.class, InfoCommand.class, PredictCommand.class, BenchCommand.class, BenchVaeCommand.class, BenchSampleCommand.class,
                BenchInceptionCommand.class, FeaturesCommand.class, FidCommand.class, FidRefCommand.class,
                BenchAllReduceCommand.class, InheritCommand.class, LayersCommand.class, DoctorCommand.class,
                CommandLine.HelpCommand.class})
public final class Lit implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * A failed Spark job as the user's error: Spark wraps a task's failure (a NaN stop, a corrupt
     * shard) in exceptions of its own, so the message is the innermost cause's, after what failed.
     */
    static IllegalArgumentException jobFailed(String what, Exception e, String hint) {
        Throwable cause = e;
        while (cause.getCause() != null) cause = cause.getCause();
        return new IllegalArgumentException(what + " failed: " + cause.getMessage() + hint, e);
    }

    /** Runs a command line and returns its exit code; bad input is one clear line on stderr, exit 2. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Lit());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigError || e instanceof TensorFileException || e instanceof IllegalArgumentException) {
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": error: " + e.getMessage());   // "lit layers sweep: error: ..."
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
