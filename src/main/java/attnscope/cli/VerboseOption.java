package attnscope.cli;

import picocli.CommandLine.Option;

/** Shared by every command: {@code --verbose} adds stack traces to error messages. */
public final class VerboseOption {
    @Option(names = "--verbose", description = "Print stack traces with errors (for bug reports).")
    boolean verbose;

    static boolean requested(String[] args) {
        for (String a : args) {
            if (a.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
