package org.lit.cli;

import com.typesafe.config.Config;
import org.lit.core.Tf32;
import org.lit.core.config.Configs;
import org.lit.core.config.ModelConfig;
import org.lit.core.config.ModelConfigs;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** -c FILE, --model NAME and --set key=value, shared by every command that builds a model. */
final class ModelOptions {
    @Option(names = {"-c", "--config"}, description = "HOCON config file (conf/*.conf)")
    Path config;

    @Option(names = "--model", description = "model name, e.g. LiT-XL/2 or DiT-S/2 (same as --set model.name=NAME)")
    String model;

    @Option(names = "--set", description = "override any config key: --set model.input-size=64", paramLabel = "KEY=VALUE")
    List<String> overrides = new ArrayList<>();

    /** defaults lie under the config file; --model and --set lie over it. */
    Config resolve(String... defaults) {
        return resolve(List.of(), defaults);
    }

    /** As resolve, with the command's own settings over the user's; the run's engine settings are handed on here (Tf32.start). */
    Config resolve(List<String> commandSettings, String... defaults) {
        List<String> all = new ArrayList<>();
        if (model != null) all.add("model.name=\"" + model + "\"");
        all.addAll(overrides);
        all.addAll(commandSettings);
        Config resolved = Configs.load(List.of(defaults), config, all);
        Tf32.start(resolved);
        return resolved;
    }

    ModelConfig modelConfig(String... defaults) {
        return ModelConfigs.fromConfig(resolve(defaults));
    }
}
