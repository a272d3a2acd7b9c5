package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import attnscope.synth.SynthSpec;
import attnscope.testing.Cli.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the commands say on stderr besides their result: nothing about CUDA unless asked, no
 * progress with --quiet, and, when stderr is a log file, no carriage-return redraws and no
 * terminal escape codes even though stdin and stdout are a terminal.
 */
class QuietStderrTest {
    @TempDir
    Path tmp;

    static Path tiny() {
        return InspectCommandTest.tinyModel("quiet", SynthSpec.tiny().seed(5).build());
    }

    @Test
    void noWordAboutCudaUnlessTheUserAskedForADevice() {
        Run plain = run("inspect", "--model", tiny().toString(), "--ids", "1,2,3", "--out", tmp.resolve("a").toString());
        assertEquals(0, plain.exit(), plain.err());
        assertFalse(plain.err().contains("CUDA"), plain.err());
        assertTrue(plain.err().contains("opened on CPU"), "progress notes are still there: " + plain.err());

        // Asked for, auto explains its fallback (on the CPU-only build every test runs on).
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "a CUDA build");
        Run asked = run("inspect", "--model", tiny().toString(), "--ids", "1,2,3", "--out", tmp.resolve("b").toString(),
                "--device", "auto");
        assertEquals(0, asked.exit(), asked.err());
        assertTrue(asked.err().contains("running on the CPU (CUDA not available"), asked.err());
        Run verbose = run("inspect", "--model", tiny().toString(), "--ids", "1,2,3", "--out", tmp.resolve("c").toString(),
                "--verbose");
        assertTrue(verbose.err().contains("CUDA not available"), verbose.err());
    }

    @Test
    void quietSilencesProgressButNotTheResultOrErrors() {
        Run loud = run("synth", "--out", tmp.resolve("m1").toString(), "--preset", "tiny");
        assertEquals(0, loud.exit(), loud.err());
        assertEquals(1, loud.err().lines().count(), "off a terminal, one line for a short step: " + loud.err());
        Run quiet = run("synth", "--out", tmp.resolve("m2").toString(), "--preset", "tiny", "--quiet");
        assertEquals(0, quiet.exit(), quiet.err());
        assertEquals("", quiet.err());
        assertTrue(quiet.out().startsWith("wrote "), quiet.out());

        Run figures = run("figures", "--model", tiny().toString(), "--ids", "1,2,3", "--out", tmp.resolve("f").toString(), "-q");
        assertEquals(0, figures.exit(), figures.err());
        assertEquals("", figures.err());
        Run drawn = run("figures", "--model", tiny().toString(), "--ids", "1,2,3", "--out", tmp.resolve("g").toString());
        assertTrue(drawn.err().contains("drawing 100% ["), "the drawing has its bar: " + drawn.err());

        Run error = run("inspect", "--model", tmp.resolve("none").toString(), "--ids", "1", "--out", tmp.resolve("h").toString(), "-q");
        assertEquals(ExitCodes.INPUT, error.exit());
        assertTrue(error.err().startsWith("attnscope: "), "errors are never silenced: " + error.err());
    }

    /** Escape codes, and a carriage return that is not the terminal's own line ending (\r\n). */
    private static final Pattern REDRAW_OR_ESCAPE = Pattern.compile("\u001b|\r(?!\n)");

    @Test
    void stderrInALogFileHasNoRedrawsOrEscapesEvenFromATerminal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script (gives the command a terminal)");
        Path tiny = tiny();
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("toy", List.of("toy", "--figures", tmp.resolve("toy").toString()));
        commands.put("shapes", List.of("shapes", "--plot", tmp.resolve("shapes.png").toString()));
        commands.put("synth", List.of("synth", "--out", tmp.resolve("synth").toString(), "--preset", "tiny"));
        commands.put("inspect", List.of("inspect", "--model", tiny.toString(), "--ids", "1,2,3", "--out", tmp.resolve("i").toString()));
        commands.put("figures", List.of("figures", "--model", tiny.toString(), "--ids", "1,2,3", "--out", tmp.resolve("f").toString()));
        commands.put("lesson", List.of("lesson", "--model", tiny.toString(), "--out", tmp.resolve("lesson").toString()));
        commands.put("fetch", List.of("fetch", "--from", tiny.toString(), "--models-dir", tmp.resolve("models").toString()));
        commands.put("usage error", List.of("inspect", "--layers"));
        commands.put("typo", List.of("figurs"));
        for (Map.Entry<String, List<String>> c : commands.entrySet()) {
            Path log = tmp.resolve(c.getKey().replace(' ', '-') + ".err");
            String onTerminal = onTerminal(c.getValue(), log);
            String err = Files.readString(log, StandardCharsets.UTF_8);
            assertFalse(REDRAW_OR_ESCAPE.matcher(err).find(), c.getKey() + " wrote a redraw or an escape code into its log: "
                    + err.replace("\r", "\\r").replace("\u001b", "\\e") + "\n(terminal: " + onTerminal + ")");
        }
        // The same pty without the redirection: the bar is redrawn in place (the detection is not simply "never").
        String live = onTerminal(List.of("synth", "--out", tmp.resolve("synth-live").toString(), "--preset", "tiny"), null);
        assertTrue(REDRAW_OR_ESCAPE.matcher(live).find(), "a terminal gets the redrawn bar: " + live.replace("\r", "\\r"));
    }

    /** Runs attnscope with stdin, stdout (and stderr unless {@code stderrLog}) on a pseudo-terminal; returns what the terminal showed. */
    private String onTerminal(List<String> args, Path stderrLog) throws Exception {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                AttnscopeCommand.class.getName()));
        java.addAll(args);
        StringBuilder line = new StringBuilder();
        for (String a : java) {
            line.append('\'').append(a.replace("'", "'\\''")).append("' ");
        }
        if (stderrLog != null) {
            line.append("2>'").append(stderrLog).append('\'');
        }
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qec", line.toString(), "/dev/null")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("TERM", "xterm-256color");
        Process p = pb.start();
        byte[] shown = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new String(shown, StandardCharsets.UTF_8);
    }
}
