package org.lit.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a `model` block: the name ("LiT-S/2", "DiT-XL/4", ...) fills in the family's values and
 * every key written explicitly overrides them. Unknown keys, wrong types and impossible shapes are
 * errors that name the key and what is allowed.
 */
public final class ModelConfigs {
    private static final Pattern NAME = Pattern.compile("(DiT|LiT)-(S|B|L|XL)/(2|4|8)");
    private static final Set<String> KEYS = Set.of("name", "input-size", "in-channels", "patch-size", "hidden-size",
            "depth", "num-heads", "mlp-ratio", "num-classes", "class-dropout", "learn-sigma", "attention");
    private static final Set<String> ATTENTION_KEYS = Set.of("kind", "heads", "kernel-size");

    /** depth, hidden, DiT heads, LiT heads (REFERENCE.md 1.1 and 6.3). */
    private record Family(int depth, int hidden, int heads, int linearHeads) {
    }

    private static final Map<String, Family> FAMILIES = new LinkedHashMap<>();

    static {
        FAMILIES.put("S", new Family(12, 384, 6, 2));
        FAMILIES.put("B", new Family(12, 768, 12, 3));
        FAMILIES.put("L", new Family(24, 1024, 16, 4));
        FAMILIES.put("XL", new Family(28, 1152, 16, 4));
    }

    private ModelConfigs() {
    }

    /** Every model name the papers use. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (String kind : List.of("DiT", "LiT")) {
            for (String size : FAMILIES.keySet()) for (int p : new int[] {2, 4, 8}) out.add(kind + "-" + size + "/" + p);
        }
        return out;
    }

    /** A named model with lit-core's reference defaults (256px latents). */
    public static ModelConfig named(String name) {
        return fromConfig(ConfigFactory.parseMap(Map.of("model.name", name)).withFallback(ConfigFactory.defaultReference()));
    }

    /** Resolves config.getConfig("model"). */
    public static ModelConfig fromConfig(Config root) {
        Config m;
        try {
            m = root.getConfig("model");
        } catch (ConfigException e) {
            throw new ConfigError("model", "a `model { ... }` block is required: " + e.getMessage());
        }
        checkKeys(m.root().keySet(), KEYS, "model.");
        if (m.hasPath("attention")) checkKeys(m.getConfig("attention").root().keySet(), ATTENTION_KEYS, "model.attention.");

        String name = string(m, "name");
        Matcher match = NAME.matcher(name);
        if (!match.matches()) throw new ConfigError("model.name", "unknown model '" + name + "'; allowed: " + String.join(", ", names()));
        Family f = FAMILIES.get(match.group(2));
        boolean lit = match.group(1).equals("LiT");

        int patch = m.hasPath("patch-size") ? integer(m, "patch-size") : Integer.parseInt(match.group(3));
        int hidden = m.hasPath("hidden-size") ? integer(m, "hidden-size") : f.hidden;
        int depth = m.hasPath("depth") ? integer(m, "depth") : f.depth;
        int heads = m.hasPath("num-heads") ? integer(m, "num-heads") : f.heads;
        AttentionConfig.Kind kind = lit ? AttentionConfig.Kind.LINEAR : AttentionConfig.Kind.SOFTMAX;
        if (m.hasPath("attention.kind")) {
            String k = string(m, "attention.kind");
            try {
                kind = AttentionConfig.Kind.valueOf(k.toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new ConfigError("model.attention.kind", "unknown attention kind '" + k + "'; allowed: softmax, linear");
            }
        }
        // Softmax attention uses num-heads; linear attention uses attention.heads (LiT: 2/3/4/4).
        int linearHeads = m.hasPath("attention.heads") ? integer(m, "attention.heads") : lit ? f.linearHeads : heads;
        int kernel = m.hasPath("attention.kernel-size") ? integer(m, "attention.kernel-size") : 5;

        ModelConfig c = new ModelConfig(name, integer(m, "input-size"), integer(m, "in-channels"), patch, hidden, depth,
                heads, number(m, "mlp-ratio"), integer(m, "num-classes"), number(m, "class-dropout"),
                bool(m, "learn-sigma"), new AttentionConfig(kind, kind == AttentionConfig.Kind.SOFTMAX ? heads : linearHeads, kernel));
        validate(c);
        return c;
    }

    private static void validate(ModelConfig c) {
        positive("model.input-size", c.inputSize());
        positive("model.in-channels", c.inChannels());
        positive("model.patch-size", c.patchSize());
        positive("model.hidden-size", c.hiddenSize());
        positive("model.depth", c.depth());
        positive("model.num-heads", c.numHeads());
        positive("model.num-classes", c.numClasses());
        if (c.inputSize() % c.patchSize() != 0) {
            throw new ConfigError("model.input-size", "input size " + c.inputSize() + " is not divisible by patch size " + c.patchSize()
                    + "; allowed patch sizes: divisors of " + c.inputSize());
        }
        if (c.hiddenSize() % 4 != 0) {
            throw new ConfigError("model.hidden-size", "hidden size " + c.hiddenSize() + " must be divisible by 4 (2-D sin-cos positional embedding)");
        }
        String headsKey = c.attention().kind() == AttentionConfig.Kind.SOFTMAX ? "model.num-heads" : "model.attention.heads";
        positive(headsKey, c.attentionHeads());
        if (c.hiddenSize() % c.attentionHeads() != 0) {
            throw new ConfigError(headsKey, "hidden size " + c.hiddenSize() + " is not divisible by " + c.attentionHeads()
                    + " heads; allowed: divisors of " + c.hiddenSize());
        }
        if (c.attention().kernelSize() < 1 || c.attention().kernelSize() % 2 == 0) {
            throw new ConfigError("model.attention.kernel-size", "kernel size must be odd and positive, got " + c.attention().kernelSize());
        }
        if (c.mlpRatio() <= 0) throw new ConfigError("model.mlp-ratio", "must be positive, got " + c.mlpRatio());
        if (c.classDropout() < 0 || c.classDropout() >= 1) {
            throw new ConfigError("model.class-dropout", "must be in [0, 1), got " + c.classDropout());
        }
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new ConfigError(key, "must be a positive integer, got " + v);
    }

    private static void checkKeys(Set<String> present, Set<String> allowed, String prefix) {
        for (String k : present) {
            if (!allowed.contains(k)) {
                throw new ConfigError(prefix + k, "unknown key '" + prefix + k + "'; allowed keys: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    private static String string(Config m, String key) {
        return typed(m, key, "a string", () -> m.getString(key));
    }

    private static int integer(Config m, String key) {
        return typed(m, key, "an integer", () -> m.getInt(key));
    }

    private static double number(Config m, String key) {
        return typed(m, key, "a number", () -> m.getDouble(key));
    }

    private static boolean bool(Config m, String key) {
        return typed(m, key, "true or false", () -> m.getBoolean(key));
    }

    private static <T> T typed(Config m, String key, String expected, java.util.function.Supplier<T> get) {
        try {
            return get.get();
        } catch (ConfigException.Missing e) {
            throw new ConfigError("model." + key, "missing key 'model." + key + "' (" + expected + ")");
        } catch (ConfigException.WrongType e) {
            ConfigValue v = m.getValue(key);
            throw new ConfigError("model." + key, "'model." + key + "' must be " + expected + ", got " + v.valueType().name().toLowerCase()
                    + " " + v.render());
        }
    }
}
