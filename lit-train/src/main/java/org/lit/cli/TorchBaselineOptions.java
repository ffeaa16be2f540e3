package org.lit.cli;

import org.lit.bench.TorchBaseline;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The PyTorch side of a benchmark command: where its script lives, or skipping it. */
final class TorchBaselineOptions {
    @Option(names = "--no-torch", description = "skip the PyTorch baseline")
    boolean noTorch;

    @Option(names = "--root", defaultValue = ".", description = "repository root holding tools/bench (default: ${DEFAULT-VALUE})")
    Path root;

    /** The baseline running that script (relative to the root), unless skipped or unavailable. */
    Optional<TorchBaseline> find(String script) {
        return noTorch ? Optional.empty() : TorchBaseline.find(root, script);
    }
}
