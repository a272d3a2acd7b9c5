package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.testing.Cli.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** picocli's conventions for a well-kept tool: errors on stderr, "did you mean", unwrapped examples, completion. */
class CliConventionsTest {
    @TempDir
    Path tmp;

    @Test
    void usageErrorsAreOneLineOnStderrOnly() {
        for (String[] args : new String[][] {{"inspect", "--layers"}, {"toy", "--query"}, {"shapes", "--tokens", "many"},
            {"figurs"}, {"synth"}}) {
            Run r = run(args);
            assertEquals(ExitCodes.USAGE, r.exit(), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.out(), "nothing on stdout for a usage error: " + String.join(" ", args));
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("attnscope: "), r.err());
        }
        // No command at all: the usage, on stderr (exit 2), none of it on stdout.
        Run none = run();
        assertEquals(ExitCodes.USAGE, none.exit());
        assertEquals("", none.out(), "nothing on stdout without a command");
        assertTrue(none.err().contains("Usage: attnscope"), none.err());
    }

    @Test
    void aMistypedCommandOrOptionGetsTheNearestNames() {
        Run command = run("figurs");
        assertTrue(command.err().contains("unknown command 'figurs'; did you mean 'figures'?"), command.err());
        Run sub = run("toy", "casual");
        assertTrue(sub.err().contains("unknown command 'casual'; did you mean 'causal'?"), sub.err());
        Run option = run("inspect", "--textt", "x", "--out", tmp.toString());
        assertTrue(option.err().contains("unknown option '--textt'; did you mean '--text'"), option.err());
    }

    @Test
    void helpExamplesAreNeverWrapped() {
        CommandLine root = AttnscopeCommand.newCommandLine(false);
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        int examples = 0;
        for (CommandLine cl : all) {
            List<String> rendered = cl.getUsageMessage(CommandLine.Help.Ansi.OFF).lines().map(String::stripTrailing).toList();
            CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
            for (String[] text : List.of(usage.description(), usage.footer())) {
                boolean inExamples = false;
                for (String line : text) {
                    if (line.strip().startsWith("Examples:")) {
                        inExamples = true;
                    } else if (inExamples && line.startsWith("  ")) { // an example, or its continuation
                        examples++;
                        assertTrue(rendered.contains(line.stripTrailing()),
                                cl.getCommandSpec().qualifiedName() + " --help wraps its example line:\n" + line);
                    }
                }
            }
        }
        assertTrue(examples > 30, "examples checked: " + examples);
    }

    @Test
    void everyHelpTextIsAValidFormatString() {
        // picocli passes description and footer lines through String.format: a lone '%' ("50 %") makes
        // it print "[picocli WARN] Could not format …" into the help and show the raw line.
        CommandLine root = AttnscopeCommand.newCommandLine(false);
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        int lines = 0;
        for (CommandLine cl : all) {
            CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
            List<String> texts = new ArrayList<>();
            texts.addAll(Arrays.asList(spec.usageMessage().description()));
            texts.addAll(Arrays.asList(spec.usageMessage().footer()));
            texts.addAll(Arrays.asList(spec.usageMessage().header()));
            spec.options().forEach(o -> texts.addAll(Arrays.asList(o.description())));
            for (String text : texts) {
                lines++;
                try {
                    String.format(text);
                } catch (java.util.IllegalFormatException e) {
                    throw new AssertionError(spec.qualifiedName() + " --help: '" + text + "' is not a format string (" + e + ")");
                }
            }
        }
        assertTrue(lines > 200, "help lines checked: " + lines);
    }

    @Test
    void synthHelpNamesEveryGraphStyle() {
        Run r = run("synth", "--help");
        for (attnscope.synth.SynthSpec.Style style : attnscope.synth.SynthSpec.Style.values()) {
            assertTrue(r.out().contains(style.cliName() + ":") || r.out().contains(style.cliName() + " (or"),
                    "synth --help does not describe --style " + style.cliName() + ":\n" + r.out());
        }
    }

    private static void collect(CommandLine cl, List<CommandLine> all) {
        all.add(cl);
        cl.getSubcommands().values().stream().filter(c -> !all.contains(c)).forEach(c -> collect(c, all));
    }

    @Test
    void completionScriptKnowsEveryCommandAndLoadsInBash() throws Exception {
        Run r = run("completion");
        assertEquals(0, r.exit(), r.err());
        for (String command : List.of("toy", "shapes", "fetch", "inspect", "figures", "lesson", "synth", "bench")) {
            assertTrue(r.out().contains(command), command);
        }
        assertTrue(r.out().contains("--row-query") && r.out().contains("--text-file"), "options are completed too");
        Path script = Files.writeString(tmp.resolve("attnscope-completion.bash"), r.out());
        // Loaded into bash, it registers a completion for attnscope and completes "attnscope fig" to figures.
        Process p = new ProcessBuilder("bash", "-c", String.join("\n",
                "source '" + script + "'",
                "complete -p attnscope >/dev/null || exit 7",
                "COMP_WORDS=(attnscope fig); COMP_CWORD=1; COMP_LINE='attnscope fig'; COMP_POINT=${#COMP_LINE}",
                "$(complete -p attnscope | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p') attnscope fig attnscope",
                "echo \"${COMPREPLY[@]}\"")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(Arrays.asList(out.strip().split("\\s+")).contains("figures"), out);
    }
}
