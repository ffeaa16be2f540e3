package org.lit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** lit layers: "Transformer layers as painters" for DiT and LiT checkpoints. */
@Command(name = "layers", mixinStandardHelpOptions = true,
        description = "Layer analysis: the blocks' similarity and grouping, and sampling sweeps over layer strategies.",
        subcommands = {LayersSimilarityCommand.class, LayersSweepCommand.class})
final class LayersCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
