package org.lit.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * lit doctor's report: one line per check (OK, WARN, FAIL, or SKIP when there is nothing to check),
 * then a last line naming every failed check; the exit code is 1 when any failed.
 */
final class Checkup {
    enum Status { OK, WARN, FAIL, SKIP }

    record Finding(Status status, String detail) {
        static Finding ok(String detail) {
            return new Finding(Status.OK, detail);
        }

        static Finding warn(String detail) {
            return new Finding(Status.WARN, detail);
        }

        static Finding fail(String detail) {
            return new Finding(Status.FAIL, detail);
        }

        static Finding skip(String detail) {
            return new Finding(Status.SKIP, detail);
        }
    }

    private final PrintStream out;
    private final List<String> failed = new ArrayList<>();
    private final List<String> warned = new ArrayList<>();

    Checkup(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs a check and prints its line; what it throws is its FAIL, in the exception's own words
     * (natives that do not load are a LinkageError: a finding too, not a crash of the report).
     */
    Status check(String name, Callable<Finding> check) {
        Finding f;
        try {
            f = check.call();
        } catch (Exception | LinkageError e) {
            f = Finding.fail(message(e));
        }
        out.printf("%-4s  %-20s %s%n", f.status(), name, f.detail());
        if (f.status() == Status.FAIL) failed.add(name);
        if (f.status() == Status.WARN) warned.add(name);
        return f.status();
    }

    /** The first message along the cause chain (an ExceptionInInitializerError has none of its own). */
    private static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) return t.getMessage();
        }
        return e.toString();
    }

    /** Prints the verdict and returns the exit code: 0 when nothing failed. */
    int verdict() {
        String warnings = warned.isEmpty() ? "" : " (" + warned.size() + " warning" + (warned.size() > 1 ? "s" : "") + ": " + String.join(", ", warned) + ")";
        if (failed.isEmpty()) {
            out.println("lit doctor: nothing found that would make the job fail" + warnings);
            return 0;
        }
        out.println("lit doctor: FAILED " + String.join(", ", failed) + warnings);
        return 1;
    }
}
