package org.lit.core.config;

/** A configuration mistake; the message names the key and what is allowed. */
public final class ConfigError extends IllegalArgumentException {
    private final String key;

    public ConfigError(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
