package org.lit.core.io;

/** A tensor file that cannot be read or written; the message names the file and the problem. */
public final class TensorFileException extends RuntimeException {
    public TensorFileException(String file, String problem) {
        super(file + ": " + problem);
    }

    public TensorFileException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
