package attnscope.testing;

import attnscope.cli.AttnscopeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs the command line in this JVM, as {@code java -jar attnscope.jar} would (without --verbose). */
public final class Cli {
    /** The exit code and everything printed on stdout and stderr. */
    public record Run(int exit, String out, String err) {
    }

    private Cli() {
    }

    public static Run run(String... args) {
        return run(cl -> { }, args);
    }

    /** As {@link #run(String...)}, after {@code prepare} has adjusted the command line (a test's file sink, say). */
    public static Run run(Consumer<CommandLine> prepare, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = AttnscopeCommand.newCommandLine(false);
        prepare.accept(cl);
        cl.setOut(new PrintWriter(out, true)); // after prepare: reaches subcommands it added, too
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
