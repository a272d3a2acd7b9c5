package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.cli.AttnscopeCommand;
import attnscope.testing.Cli;
import attnscope.testing.Cli.Run;
import attnscope.testing.Subprocess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `synth` refuses what it cannot or should not write before writing it, and leaves no temporary file when stopped. */
class SynthLimitsTest {
    @TempDir
    Path tmp;

    private static Run synth(String... args) {
        return Cli.run(Stream.concat(Stream.of("synth"), Stream.of(args)).toArray(String[]::new));
    }

    @Test
    void anAbsurdShapeIsRefusedAtOnceNamingItsSize() {
        Path out = tmp.resolve("huge");
        // 10,000 layers of D 4096 and MLP 16384: about 9.7 TB of weights.
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> synth("--out", out.toString(), "--layers", "10000",
                "--hidden", "4096", "--num-heads", "32", "--kv-heads", "8", "--head-dim", "128", "--intermediate", "16384"));
        assertEquals(4, r.exit(), r.err());
        assertTrue(r.err().contains("this model's weights would take ") && r.err().contains("(10000 layers, D 4096, MLP 16384, "),
                r.err());
        assertTrue(r.err().contains("more than the 4.29 GB attnscope writes unless asked: check the sizes, or pass --allow-large"),
                r.err());
        assertEquals(List.of(), Subprocess.names(tmp), "nothing written");
    }

    @Test
    void withAllowLargeTheFreeSpaceStillDecides() {
        Path out = tmp.resolve("huge");
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> synth("--out", out.toString(), "--allow-large",
                "--layers", "100000", "--hidden", "4096", "--num-heads", "32", "--kv-heads", "8", "--head-dim", "128",
                "--intermediate", "16384"));
        assertEquals(4, r.exit(), r.err());
        assertTrue(r.err().contains("this model needs about ") && r.err().contains(" is free on the disk where it goes"), r.err());
        assertEquals(List.of(), Subprocess.names(tmp), "nothing written");
    }

    @Test
    void aSecondSynthIntoAFolderBeingWrittenIsRefusedNotSilentlyReplacing() throws Exception {
        Path out = tmp.resolve("m");
        // Another run holds the folder's lock, as a synth in progress does.
        try (attnscope.output.FolderLock busy = attnscope.output.FolderLock.acquire(tmp.resolve(".m.attnscope-lock"), out.toString(),
                l -> { })) {
            Run r = synth("--out", out.toString(), "--preset", "tiny");
            assertEquals(4, r.exit(), r.err());
            assertTrue(r.err().contains(out + " is in use by another attnscope run (process "), r.err());
            assertFalse(Files.exists(out));
        }
        assertEquals(0, synth("--out", out.toString(), "--preset", "tiny").exit());
        assertEquals(List.of("m"), Subprocess.names(tmp), "the lock file went with the run");
    }

    @Test
    void theSizeComputedFromTheSpecIsTheSizeWritten() throws Exception {
        SynthSpec spec = SynthSpec.tiny().layers(3).build();
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, null);
        long written = Files.size(dir.resolve(SyntheticModelWriter.DATA_FILE));
        assertEquals(written, SyntheticModelWriter.dataBytes(spec));
        assertTrue(SyntheticModelWriter.lowerBoundBytes(spec) <= written, "the quick bound never refuses a model that fits");
    }

    private Process synthProcess(Path out, Path log) throws Exception {
        // About 200 MB of weights: long enough to be caught while writing.
        return Subprocess.start(AttnscopeCommand.class, List.of(), log, "synth", "--out", out.toString(), "--preset", "tiny",
                "--hidden", "128", "--vocab", "400000");
    }

    private boolean writing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".m.tmp-"))
                    .anyMatch(p -> sizeOf(p.resolve(SyntheticModelWriter.DATA_FILE)) > (4 << 20));
        } catch (Exception e) {
            return false;
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aSynthStoppedBySigtermLeavesNoTemporaryFolder() throws Exception {
        Path parent = Files.createDirectories(tmp.resolve("models"));
        Path log = tmp.resolve("synth.log");
        Process p = synthProcess(parent.resolve("m"), log);
        assertTrue(Subprocess.await(p, Duration.ofSeconds(60), () -> writing(parent)), Subprocess.log(log));
        Subprocess.signal(p, "TERM");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue(), "stopped while writing: " + Subprocess.log(log));
        assertEquals(List.of(), Subprocess.names(parent), "the temporary folder went with the process");
    }

    @Test
    void whatAKilledSynthLeftIsRemovedByTheNextRun() throws Exception {
        Path parent = Files.createDirectories(tmp.resolve("models"));
        Path log = tmp.resolve("synth.log");
        Process p = synthProcess(parent.resolve("m"), log);
        assertTrue(Subprocess.await(p, Duration.ofSeconds(60), () -> writing(parent)), Subprocess.log(log));
        Subprocess.signal(p, "KILL");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertFalse(Subprocess.names(parent).isEmpty(), "kill -9 runs no hook: the temporary folder is left");
        Run again = synth("--out", parent.resolve("m").toString(), "--preset", "tiny");
        assertEquals(0, again.exit(), again.err());
        assertEquals(List.of("m"), Subprocess.names(parent), "the next run removed what the killed one left");
    }
}
