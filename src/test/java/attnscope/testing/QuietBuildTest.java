package attnscope.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A green build reads green: Maven's quiet mode prints no stray escape codes, and the tests do not
 * fill the log with lines a newcomer would take for failures.
 */
class QuietBuildTest {
    static final Path ROOT = TestAssets.projectRoot();

    @Test
    void mavenQuietModePrintsNothingAtAll() throws Exception {
        Path mvn = Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(d -> Path.of(d, "mvn"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(mvn != null, "mvn on PATH");
        // Maven 3.8's console library ends its run with ESC[0m even in batch mode; .mvn/jvm.config turns that off.
        Process p = new ProcessBuilder(mvn.toString(), "-q", "-o", "-B", "validate").directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.replace("\u001b", "\\e"), "mvn -q prints nothing on success");
    }

    @Test
    void testsUseTheToolsOnnxRuntimeEnvironmentAndPrintNoFailedLines() throws IOException {
        // ONNX Runtime warns ("Tried to change OrtEnvironment's logging level…") every time the environment
        // is asked for with another logging level than the one it was made with: tests ask through Sessions.
        // A test that plants a fault expects failed checks: printing them makes a green log look red.
        try (Stream<Path> files = Files.walk(ROOT.resolve("src/test/java"))) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("QuietBuildTest.java")).toList();
            for (Path f : sources) {
                String s = Files.readString(f);
                assertFalse(s.contains("OrtEnvironment.getEnvironment("), f + " asks for its own ONNX Runtime environment");
                assertFalse(s.contains("println(\"FAILED"), f + " prints failed checks");
            }
        }
    }
}
