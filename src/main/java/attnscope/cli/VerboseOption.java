package attnscope.cli;

import attnscope.progress.ProgressMode;
import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Shared by every command: how much it says on stderr besides its result. {@code --verbose} adds
 * stack traces to error messages (and says which device ONNX Runtime chose and why);
 * {@code --quiet} silences progress bars and progress notes. Errors are printed either way.
 */
public final class VerboseOption {
    @Option(names = "--verbose", description = "Print stack traces with errors (for bug reports).")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr (errors and the result are still printed).")
    boolean quiet;

    static boolean requested(String[] args) {
        for (String a : args) {
            if (a.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** How progress bars show: nothing with --quiet, else redrawn on a terminal and plain lines in a log. */
    ProgressMode progressMode() {
        return ProgressMode.forStderr(quiet);
    }

    /** Where progress notes go: the command's stderr, or nowhere with --quiet. */
    PrintWriter notes(CommandSpec spec) {
        return quiet ? new PrintWriter(Writer.nullWriter()) : spec.commandLine().getErr();
    }
}
