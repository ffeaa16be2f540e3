package org.lit.cli;

import org.lit.core.config.ModelConfig;
import org.lit.core.config.ModelConfigs;
import org.lit.core.nn.DiffusionTransformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;


/** Shape, parameter count and GFLOPs of a model, or of every paper size with --all. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a model's shape, parameter count and GFLOPs (forward, one image).")
final class InfoCommand implements Runnable {
    @Mixin
    ModelOptions options;

    @Option(names = "--all", description = "every DiT and LiT size at 256px (latent 32) and 512px (latent 64)")
    boolean all;

    @Override
    public void run() {
        if (!all) {
            System.out.println(DiffusionTransformer.info(options.modelConfig()).describe());
            return;
        }
        System.out.printf("%-9s %6s %14s %9s %14s %9s%n", "model", "heads", "params@256", "GFLOPs", "params@512", "GFLOPs");
        for (String name : ModelConfigs.names()) {
            options.model = name;
            ModelConfig c256 = options.modelConfig("model.input-size=32");
            ModelConfig c512 = options.modelConfig("model.input-size=64");
            var i256 = DiffusionTransformer.info(c256);
            var i512 = DiffusionTransformer.info(c512);
            System.out.printf("%-9s %6d %,14d %9.2f %,14d %9.2f%n", name, c256.attentionHeads(), i256.parameters(), i256.gflops(),
                    i512.parameters(), i512.gflops());
        }
    }

}
