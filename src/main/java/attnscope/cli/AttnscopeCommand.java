package attnscope.cli;

import attnscope.InputException;
import java.io.PrintWriter;
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
        spec.commandLine().usage(spec.commandLine().getOut());
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
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof InputException || ex instanceof java.nio.file.NoSuchFileException) {
                err.println("attnscope: " + oneLine(ex));
                if (verbose) {
                    ex.printStackTrace(err);
                }
                err.flush();
                return ExitCodes.INPUT;
            }
            if (ex instanceof CommandLine.ParameterException pe) {
                err.println("attnscope: " + oneLine(pe));
                err.flush();
                return ExitCodes.USAGE;
            }
            err.println("attnscope: internal error (a bug, please report it with --verbose): " + oneLine(ex));
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("attnscope: " + oneLine(ex));
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return ExitCodes.USAGE;
        });
        return cl;
    }

    static String oneLine(Throwable ex) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        return m.replace('\n', ' ').strip();
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
