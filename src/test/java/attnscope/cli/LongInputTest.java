package attnscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.SynthSpec;
import attnscope.testing.Cli;
import attnscope.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: inputs up to the model's whole context. ~1,000 varied --ids crashed the JVM (SIGSEGV,
 * exit 139: ONNX Runtime's native recursion overflowed the calling thread's stack), and the rotary
 * check failed correct models at long positions. A small synthetic model with a context of 3,000
 * tokens takes T = 3,000 (every check passes), refuses T = 3,001, and still catches a wrong rope_theta.
 */
class LongInputTest {
    static final int CONTEXT = 3000;

    @TempDir
    static Path tmp;

    static Path model() {
        return BadInputTest.cached("long-context", SynthSpec.tiny().seed(11).layers(1).maxPositions(CONTEXT).build(), null);
    }

    /** T varied token ids of the tiny vocabulary (512). */
    static String ids(int t) {
        Random r = new Random(t);
        return IntStream.range(0, t).mapToObj(i -> Integer.toString(r.nextInt(512))).collect(Collectors.joining(","));
    }

    @Test
    void theWholeContextRunsAndPassesEveryCheck() throws Exception {
        Path out = tmp.resolve("whole");
        Run r = Cli.run("inspect", "--model", model().toString(), "--ids", ids(CONTEXT), "--out", out.toString(), "--device", "cpu");
        assertEquals(0, r.exit(), r.err() + r.out().lines().filter(l -> l.contains("✗")).collect(Collectors.joining("\n")));
        assertTrue(r.out().contains("T = " + CONTEXT), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("✓ rotary.q")), "the rotary check ran: " + r.out());
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"passed\": true"));

        Run longer = Cli.run("inspect", "--model", model().toString(), "--ids", ids(CONTEXT + 1), "--out", tmp.resolve("longer").toString(),
                "--device", "cpu");
        assertEquals(4, longer.exit(), longer.err());
        assertTrue(longer.err().contains("longer than the model's context of " + CONTEXT), longer.err());
    }

    /**
     * The crash as a user met it: a JVM of its own, the ids on its command line. The JVM's main thread
     * (default stack) overflowed in native code and died with SIGSEGV, exit 139; every command now
     * runs on a thread with a large stack.
     */
    @Test
    void aSeparateJvmWithThousandsOfIdsOnItsCommandLineDoesNotCrash() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path out = tmp.resolve("jvm");
        Process p = new ProcessBuilder(java.toString(), "-Dai.djl.offline=true", "-Djava.awt.headless=true", "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), AttnscopeCommand.class.getName(),
                "inspect", "--model", model().toString(), "--ids", ids(CONTEXT), "--out", out.toString(), "--device", "cpu")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("jvm.log").toFile()).start();
        int exit = p.waitFor();
        assertEquals(0, exit, "exit " + exit + " (139: SIGSEGV); output:\n" + Files.readString(tmp.resolve("jvm.log")));
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"passed\": true"));
    }

    /**
     * A heap too small for the run (256 MiB for about 430 MiB of tensors): the guard used to compare
     * its estimate with --max-memory only (default 2G), admitted the run, and the JVM died with
     * OutOfMemoryError and a stack trace (exit 1). Now it is refused before the model runs, exit 4.
     */
    @Test
    void aRunTheJavaHeapCannotHoldIsRefusedBeforeItStarts() throws Exception {
        Path out = tmp.resolve("small-heap");
        Path log = tmp.resolve("small-heap.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true",
                "-Djava.awt.headless=true", "-Xmx256m", "-cp", System.getProperty("java.class.path"), AttnscopeCommand.class.getName(),
                "inspect", "--model", model().toString(), "--ids", ids(CONTEXT), "--out", out.toString(), "--device", "cpu")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        String text = Files.readString(log);
        assertEquals(4, exit, text);
        assertTrue(text.contains("the Java heap has free"), text);
        assertTrue(!text.contains("OutOfMemoryError") && !text.contains("\tat "), "one line, no stack trace: " + text);
        assertTrue(!Files.exists(out), "nothing written");
    }

    @Test
    void aWrongRopeThetaFailsAtLongPositionsToo() throws Exception {
        Path scratch = Files.createDirectories(tmp.resolve("wrong-theta"));
        Path lying = BadInputTest.copy(model(), scratch, m -> BadInputTest.editConfig(m, "\"rope_theta\" : 10000.0", "\"rope_theta\" : 10100.0"));
        Run r = Cli.run("inspect", "--model", lying.toString(), "--ids", ids(2000), "--out", scratch.resolve("out").toString(), "--device", "cpu");
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.out().contains("✗ rotary.q") && r.out().contains("✗ rotary.k"), r.out());
    }
}
