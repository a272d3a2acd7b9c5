package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An error names the thing that is wrong, and asks only for what the command needs. */
class ErrorNamesTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingModelFolderIsNamedInFull() {
        String missing = tmp.resolve("nonexistent/dir").toString();
        for (String[] args : new String[][] {
            {"shapes", "--model", missing, "--no-figures"},
            {"inspect", "--model", missing, "--ids", "1", "--out", tmp.resolve("o").toString()},
            {"figures", "--model", missing, "--ids", "1", "--out", tmp.resolve("o").toString()},
            {"lesson", "--model", missing, "--out", tmp.resolve("o").toString()}}) {
            Run r = run(args);
            assertEquals(ExitCodes.INPUT, r.exit(), r.err());
            assertTrue(r.err().contains(missing), args[0] + " names " + missing + ": " + r.err());
            assertFalse(r.err().contains("in " + tmp.resolve("nonexistent") + ":"), args[0] + " names the parent: " + r.err());
        }
    }

    @Test
    void shapesAsksOnlyForConfigJson() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run r = run("shapes", "--model", empty.toString(), "--no-figures");
        assertEquals(ExitCodes.INPUT, r.exit());
        assertTrue(r.err().contains("no config.json in " + empty), r.err());
        assertFalse(r.err().contains("tokenizer") || r.err().contains("ONNX") || r.err().contains("onnx"),
                "shapes needs no tokenizer and no ONNX file: " + r.err());

        Run noFile = run("shapes", "--config", tmp.resolve("nope/config.json").toString(), "--no-figures");
        assertEquals(ExitCodes.INPUT, noFile.exit());
        assertTrue(noFile.err().contains("--config " + tmp.resolve("nope/config.json") + ": no such file"), noFile.err());
        assertFalse(noFile.err().contains("tokenizer"), noFile.err());

        Path file = Files.writeString(tmp.resolve("config.json"), "{}");
        Run notFolder = run("shapes", "--model", file.toString(), "--no-figures");
        assertEquals(ExitCodes.INPUT, notFolder.exit());
        assertTrue(notFolder.err().contains("is a file, not a folder"), notFolder.err());
    }
}
