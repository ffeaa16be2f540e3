package org.lit.data;

/**
 * A file that cannot be an image of the data set: corrupt, truncated, not an image, or of a format
 * no decoder here reads. Checked, so that every job that reads images decides what to do with one
 * (skip it and report a {@link SkippedFile}); the message names the file, {@link #reason()} says why.
 */
public final class BadImageException extends Exception {
    private final String file;
    private final String reason;

    public BadImageException(String file, String reason) {
        this(file, reason, null);
    }

    public BadImageException(String file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    /** Why the file was refused, without its name (e.g. "truncated JPEG (no EOI marker)"). */
    public String reason() {
        return reason;
    }

    /** What a job records when it passes over this file. */
    public SkippedFile skipped() {
        return new SkippedFile(file, reason);
    }
}
