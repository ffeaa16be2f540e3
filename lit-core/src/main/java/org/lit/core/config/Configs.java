package org.lit.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a run's configuration: `--set key=value` overrides, over the given HOCON file, over the
 * caller's defaults (values a command derives, e.g. input size from the input), over every
 * module's reference.conf. Any key that no reference.conf declares is a typo and an error, except
 * inside `model` whose keys {@link ModelConfigs} checks (a name fills in the rest).
 */
public final class Configs {
    private static final Set<String> FREE_FORM = Set.of("model", "distill.teacher-overrides");

    private Configs() {
    }

    public static Config load(Path file, List<String> overrides) {
        return load(List.of(), file, overrides);
    }

    public static Config load(List<String> defaults, Path file, List<String> overrides) {
        Config user = ConfigFactory.empty();
        for (String d : defaults) user = parseOverride(d).withFallback(user);
        if (file != null) {
            if (!Files.isRegularFile(file)) throw new ConfigError("-c", "config file not found: " + file);
            try {
                user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).withFallback(user);
            } catch (ConfigException e) {
                throw new ConfigError("-c", "cannot parse " + file + ": " + e.getMessage());
            }
        }
        for (String o : overrides) user = parseOverride(o).withFallback(user);
        Config reference = ConfigFactory.defaultReference();
        checkKnown(user.root(), reference, "");
        try {
            return user.withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new ConfigError("config", e.getMessage());
        }
    }

    /** key=value, where value is HOCON (numbers, booleans, lists) or else taken as a plain string. */
    static Config parseOverride(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) throw new ConfigError("--set", "expected key=value, got '" + assignment + "'");
        String key = assignment.substring(0, eq).trim();
        String value = assignment.substring(eq + 1).trim();
        try {
            return ConfigFactory.parseString(key + " = " + value);
        } catch (ConfigException e) {
            return ConfigFactory.parseMap(Map.of(key, value));
        }
    }

    private static void checkKnown(ConfigObject user, Config reference, String prefix) {
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            String path = prefix + e.getKey();
            if (FREE_FORM.contains(path)) continue;
            if (!reference.hasPathOrNull(path)) {
                String parent = prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1);
                Set<String> allowed = new TreeSet<>(parent == null ? reference.root().keySet() : reference.getObject(parent).keySet());
                throw new ConfigError(path, "unknown key '" + path + "'; allowed " + (parent == null ? "sections" : "keys of " + parent)
                        + ": " + String.join(", ", allowed));
            }
            if (e.getValue().valueType() == ConfigValueType.OBJECT && reference.getValue(path).valueType() == ConfigValueType.OBJECT) {
                checkKnown((ConfigObject) e.getValue(), reference, path + ".");
            }
        }
    }
}
