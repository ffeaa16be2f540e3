package org.lit.data;

import java.io.Serializable;

/** An input a job passed over, and why (corrupt, truncated, unsupported): jobs report these, they never die on them. */
public record SkippedFile(String path, String reason) implements Serializable {
    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
