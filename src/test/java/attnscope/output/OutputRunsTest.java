package attnscope.output;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.cli.AttnscopeCommand;
import attnscope.cli.ExitCodes;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.testing.Cli.Run;
import attnscope.testing.Subprocess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output folders under real conditions: a second process writing into the same folder, runs killed
 * by SIGINT, SIGTERM and SIGKILL at chosen moments, a rerun into a folder where the user put files.
 * The runs that must be signalled are real attnscope processes ({@code java -cp … AttnscopeCommand}).
 */
class OutputRunsTest {
    @TempDir
    static Path shared;
    static Path model;
    static final String TEXT = "The animal didn't cross the street because it was too tired.";

    @BeforeAll
    static void writeModel() {
        model = SyntheticModelWriter.write(SynthSpec.tiny().build(), shared.resolve("tiny"), null, null);
    }

    private static Run figures(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("figures", "--model", model.toString(), "--text", TEXT,
                "--out", out.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /** Every path under {@code dir}, relative, sorted. */
    private static List<String> tree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** A process that holds the lock of {@code out}, once it said so. */
    private static Process holder(Path out, Path log) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldOutputFolder.class.getName(), out.toString())
                .redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder said = new StringBuilder();
        while ((line = lines.readLine()) != null && !line.equals("claimed")) {
            said.append(line).append('\n');
        }
        assertEquals("claimed", line, "the holder process said: " + said);
        Files.writeString(log, said);
        return p;
    }

    @Test
    void aSecondRunIntoAFolderAnotherProcessWritesIsRefusedBeforeItsModelRuns(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Process first = holder(out, dir.resolve("holder.log"));
        try {
            Run second = figures(out);
            assertEquals(ExitCodes.INPUT, second.exit(), second.err());
            assertTrue(second.err().contains("is in use by another attnscope run (process " + first.pid() + ","), second.err());
            assertFalse(second.err().contains("opening"), "refused before the model was opened: " + second.err());
            assertEquals(List.of("", OutputFolder.LOCK), tree(out), "nothing of the second run");
        } finally {
            Subprocess.signal(first, "TERM");
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        }
        assertFalse(Files.exists(out), "SIGTERM: the holder removed its lock and the folder it had created");
        assertEquals(ExitCodes.OK, figures(out).exit(), "free again");
    }

    @Test
    void theLockOfAKilledRunIsTakenOverSayingSo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Process first = holder(out, dir.resolve("holder.log"));
        Subprocess.signal(first, "KILL");
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertEquals(Long.toString(first.pid()), Files.readString(out.resolve(OutputFolder.LOCK)).strip(),
                "kill -9 leaves the lock file behind");
        Run next = figures(out);
        assertEquals(ExitCodes.OK, next.exit(), next.err());
        assertTrue(next.err().contains("taking over the lock of " + out + " left by process " + first.pid()
                + ", which is no longer running"), next.err());
        assertFalse(Files.exists(out.resolve(OutputFolder.LOCK)));
    }

    /** {@code figures} as a process of its own, into {@code out}; {@code pauseMillis} between the renames of the commit. */
    private static Process figuresProcess(Path out, Path log, long pauseMillis, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("figures", "--model", model.toString(), "--text", TEXT,
                "--out", out.toString(), "--format", "png,svg,pdf"));
        args.addAll(List.of(more));
        return Subprocess.start(AttnscopeCommand.class, List.of("-D" + OutputFolder.PAUSE_PROPERTY + "=" + pauseMillis), log,
                args.toArray(String[]::new));
    }

    private static boolean hasName(Path dir, String prefix) {
        return Subprocess.names(dir).stream().anyMatch(n -> n.startsWith(prefix));
    }

    @Test
    void sigintWhileTheModelRunsLeavesNoFolderBehind(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("new/out");
        Path log = dir.resolve("run.log");
        Process p = figuresProcess(out, log, 0);
        assertTrue(Subprocess.await(p, Duration.ofSeconds(60), () -> Files.exists(out.resolve(OutputFolder.LOCK))),
                Subprocess.log(log));
        Subprocess.signal(p, "INT");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertFalse(Files.exists(dir.resolve("new")), "the folders the run created go with it: " + tree(dir) + Subprocess.log(log));
    }

    @Test
    void sigtermWhileFiguresAreWrittenLeavesNoFolderBehind(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path log = dir.resolve("run.log");
        Process p = figuresProcess(out, log, 0);
        assertTrue(Subprocess.await(p, Duration.ofSeconds(60), () -> hasName(out, OutputFolder.STAGING_PREFIX)),
                "the staging folder was seen: " + Subprocess.log(log));
        Subprocess.signal(p, "TERM");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue(), "killed by SIGTERM before it finished: " + Subprocess.log(log));
        assertFalse(Files.exists(out), "no staging folder, no created folder: " + tree(out));
    }

    @Test
    void sigtermBetweenTheRenamesOfTheFinalStepLetsItFinish(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path expected = dir.resolve("expected");
        assertEquals(ExitCodes.OK, figures(out, "--layers", "0", "--format", "png,svg,pdf").exit());
        assertEquals(ExitCodes.OK, figures(expected, "--layers", "1", "--format", "png,svg,pdf").exit());
        List<String> before = tree(out.resolve("figures"));
        Path log = dir.resolve("run.log");
        Process p = figuresProcess(out, log, 3000, "--layers", "1");
        // The old figures are renamed aside, then the run waits 3 s before renaming the new ones in.
        assertTrue(Subprocess.await(p, Duration.ofSeconds(60), () -> hasName(out, OutputFolder.OLD_PREFIX)), Subprocess.log(log));
        assertFalse(Files.exists(out.resolve("figures")), "caught between the two renames");
        Subprocess.signal(p, "TERM");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<String> after = tree(out.resolve("figures"));
        assertEquals(tree(expected.resolve("figures")), after, "the new figures, all of them and only them: " + Subprocess.log(log));
        assertFalse(after.equals(before));
        assertEquals(List.of(OutputFolder.MANIFEST, "figures"), Subprocess.names(out), "nothing left aside or staged");
    }

    @Test
    void aLessonRerunRefusesAFiguresFolderHoldingTheUsersFilesBeforeItsModelRuns(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("lesson");
        assertEquals(ExitCodes.OK, run("lesson", "--model", model.toString(), "--out", out.toString()).exit());
        Files.writeString(out.resolve("figures/my-own-figure.png"), "mine");
        Files.createDirectories(out.resolve("figures/keep"));
        Files.writeString(out.resolve("figures/keep/precious.txt"), "precious");
        List<String> before = tree(out);
        String index = Files.readString(out.resolve("index.html"));
        Run again = run("lesson", "--model", model.toString(), "--out", out.toString());
        assertEquals(ExitCodes.INPUT, again.exit(), again.err());
        assertTrue(again.err().contains("was not written by attnscope"), again.err());
        assertTrue(again.err().contains("my-own-figure.png") || again.err().contains("precious.txt"), again.err());
        assertFalse(again.err().contains("running the hooked graph"), "refused before the model ran: " + again.err());
        assertEquals(before, tree(out), "nothing changed");
        assertEquals("precious", Files.readString(out.resolve("figures/keep/precious.txt")));
        assertEquals(index, Files.readString(out.resolve("index.html")));
        // Once the user's files are moved away, the folder is attnscope's again.
        Files.delete(out.resolve("figures/my-own-figure.png"));
        Files.delete(out.resolve("figures/keep/precious.txt"));
        Files.delete(out.resolve("figures/keep"));
        assertEquals(ExitCodes.OK, run("lesson", "--model", model.toString(), "--out", out.toString()).exit());
    }

    @Test
    void outputProblemsAreFoundBeforeTheModelRuns(@TempDir Path dir) throws Exception {
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
        Path withFile = Files.createDirectories(dir.resolve("with-file"));
        Files.writeString(withFile.resolve("figures"), "a file where the folder goes");
        for (String command : List.of("inspect", "figures", "lesson")) {
            Run r = run(command, "--model", model.toString(), "--text", TEXT, "--out", dangling.toString());
            if (command.equals("lesson")) {
                r = run(command, "--model", model.toString(), "--out", dangling.toString());
            }
            assertEquals(ExitCodes.INPUT, r.exit(), command + ": " + r.err());
            assertTrue(r.err().contains("is a symbolic link to " + dir.resolve("gone") + ", which does not exist"), r.err());
            assertFalse(r.err().contains("opening") || r.err().contains("running"), command + " before the model: " + r.err());
        }
        for (String command : List.of("figures", "lesson")) {
            Run r = command.equals("lesson") ? run(command, "--model", model.toString(), "--out", withFile.toString())
                    : run(command, "--model", model.toString(), "--text", TEXT, "--out", withFile.toString());
            assertEquals(ExitCodes.INPUT, r.exit(), command + ": " + r.err());
            assertTrue(r.err().contains(withFile.resolve("figures") + " is a file, not a folder"), r.err());
            assertFalse(r.err().contains("opening") || r.err().contains("running"), command + " before the model: " + r.err());
            assertEquals(List.of("figures"), Subprocess.names(withFile));
        }
    }
}
