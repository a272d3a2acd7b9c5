package attnscope.cli;

import attnscope.InputException;
import attnscope.output.IoProblems;
import attnscope.output.OutputFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: lists the subcommands, maps errors to the exit codes of CONTRACT.md. */
@Command(name = "attnscope",
        mixinStandardHelpOptions = true,
        versionProvider = AttnscopeCommand.Version.class,
        description = {
            "Look inside the attention of a real language model and check it against",
            "the formula",
            "    pattern = softmax(Q·Kᵀ/√d_k + mask),  z = pattern·V",
            "",
            "Start with the handout (`attnscope toy`), then the shapes of a real model",
            "(`attnscope shapes`), then the real thing (`attnscope inspect`, `figures`,",
            "`lesson`)."
        },
        subcommands = {
            ToyCommand.class,
            ShapesCommand.class,
            FetchCommand.class,
            InspectCommand.class,
            FiguresCommand.class,
            LessonCommand.class,
            SynthCommand.class,
            BenchCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"",
            "Exit codes: 0 success · 1 internal error (a bug) · 2 usage error ·",
            "            3 a verification check failed · 4 input problem (model,",
            "            tokenizer, file, network, memory guard)."})
public final class AttnscopeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // No command is a usage error: the usage goes to stderr, as every usage error's message does.
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    public static void main(String[] args) {
        // DJL's tokenizer must never try to download a native build: no silent network use.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args));
    }

    /** Runs the tool as main would, without exiting: for tests. */
    public static int execute(String... args) {
        return newCommandLine(VerboseOption.requested(args)).execute(args);
    }

    public static CommandLine newCommandLine(boolean verbose) {
        CommandLine cl = new CommandLine(new AttnscopeCommand());
        // Wide enough that no example in a --help (each at most 96 characters) is wrapped mid-path or mid-option.
        cl.setUsageHelpWidth(USAGE_WIDTH);
        // Every command runs on a thread with a large stack: ONNX Runtime recurses deeply on the thread
        // that calls it, and a default stack overflowed into SIGSEGV on inputs of ~1,000 tokens.
        // A command's output folders are locked from its start to its end, whatever the end.
        CommandLine.IExecutionStrategy commands = cl.getExecutionStrategy();
        cl.setExecutionStrategy(parsed -> attnscope.onnx.OrtThread.call(() -> {
            try {
                return commands.execute(parsed);
            } catch (OutOfMemoryError e) {
                // The memory guard refuses what it knows will not fit; this is what it could not foresee.
                throw new CommandLine.ExecutionException(cl, "out of memory", new InputException("the Java heap ran out of memory (its "
                        + "maximum is " + attnscope.inspect.MemoryGuard.size(Runtime.getRuntime().maxMemory()) + "): choose fewer layers "
                        + "with --layers or a shorter text, or give Java more memory (java -Xmx8g -jar …)", e));
            } finally {
                OutputFolder.releaseClaims();
            }
        }));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof InputException || ex instanceof java.nio.file.NoSuchFileException) {
                return report(err, oneLine(ex), ex, verbose, ExitCodes.INPUT);
            }
            IOException io = ex instanceof IOException e ? e : ex instanceof UncheckedIOException u ? u.getCause() : null;
            if (io != null) {
                // Reading or writing a file failed where no command expected it to (a disk that fills up
                // while a chart is written, say): a problem of the machine, not a bug of attnscope.
                String what = ex instanceof UncheckedIOException && ex.getMessage() != null ? oneLine(ex)
                        : "could not read or write a file (" + IoProblems.reason(io)
                                + (io instanceof FileSystemException f && f.getFile() != null ? ": " + f.getFile() : "") + ")";
                // A folder where a file goes says all there is to say; other failures may be a full or read-only disk.
                String hint = io instanceof attnscope.output.AtomicWrite.FolderInTheWayException ? ""
                        : "; is the disk full or the folder read-only?";
                return report(err, what + hint, ex, verbose, ExitCodes.INPUT);
            }
            if (ex instanceof CommandLine.ParameterException pe) {
                return report(err, oneLine(pe), pe, false, ExitCodes.USAGE);
            }
            return report(err, "internal error (a bug, please report it with --verbose): " + oneLine(ex), ex, verbose,
                    ExitCodes.INTERNAL);
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // One line, as every user error (CONTRACT.md), with where to read more.
            err.println("attnscope: " + usageProblem(ex) + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return ExitCodes.USAGE;
        });
        return cl;
    }

    /** Columns of --help: wider than picocli's 80, so that examples keep one command per line. */
    static final int USAGE_WIDTH = 100;

    /** A usage error in one line; a mistyped command or option gets picocli's nearest names ("did you mean"). */
    static String usageProblem(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            List<String> near = u.getSuggestions().stream().limit(3).map(n -> "'" + n + "'").toList();
            String typed = u.getUnmatched().get(0);
            boolean command = !typed.startsWith("-") && !u.getCommandLine().getSubcommands().isEmpty()
                    && u.getCommandLine().getCommandSpec().positionalParameters().isEmpty();
            String what = typed.startsWith("-") ? "unknown option '" + typed + "'"
                    : command ? "unknown command '" + typed + "'" : null;
            if (what != null) {
                return what + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?");
            }
        }
        return oneLine(ex);
    }

    /** One line on stderr, the stack trace after it only with --verbose; returns the exit code. */
    private static int report(PrintWriter err, String line, Throwable ex, boolean verbose, int exitCode) {
        err.println("attnscope: " + line);
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    static String oneLine(Throwable ex) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        // One line, whatever the message holds (a file name or token text may carry line breaks or escapes).
        return m.replaceAll("\\R", " ").replaceAll("\\p{Cntrl}", "?").strip();
    }

    /** Reads the version from the jar manifest (Implementation-Version), or says "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = AttnscopeCommand.class.getPackage().getImplementationVersion();
            return new String[] {"attnscope " + (v == null ? "dev" : v),
                "ONNX Runtime Java, DJL tokenizers, picocli, JFreeChart; Java " + System.getProperty("java.version")};
        }
    }
}
