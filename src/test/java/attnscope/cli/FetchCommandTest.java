package attnscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.model.hub.FetchManifest;
import attnscope.testing.Cli.Run;
import attnscope.testing.Cli;
import attnscope.testing.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch command as users run it: options, exit codes, one-line errors. The hub cases run
 * the tool in a child JVM, because HF_ENDPOINT / HF_HUB_OFFLINE are environment variables.
 */
class FetchCommandTest {
    @TempDir
    Path tmp;

    static Run inProcess(String... args) {
        return Cli.run(args);
    }

    /** {@code java -cp <test classpath> attnscope.cli.AttnscopeCommand args} with {@code env} added. */
    static Run childJvm(Map<String, String> env, Path workDir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AttnscopeCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().remove("HF_ENDPOINT");
        pb.environment().remove("HF_TOKEN");
        pb.environment().remove("HF_HUB_OFFLINE");
        pb.environment().putAll(env);
        Path outFile = workDir.resolve("stdout.txt");
        Path errFile = workDir.resolve("stderr.txt");
        pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        return new Run(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
    }

    @Test
    void helpTeachesTheOptionsAndTheEnvironment() {
        Run r = inProcess("fetch", "--help");
        assertEquals(0, r.exit());
        for (String word : List.of("--variant", "--from", "--models-dir", "HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE", "resumes")) {
            assertTrue(r.out().contains(word), "help lacks " + word);
        }
    }

    @Test
    void unknownVariantIsAUsageError() {
        Run r = inProcess("fetch", "--variant", "fp8");
        assertEquals(ExitCodes.USAGE, r.exit());
        assertTrue(r.err().contains("--variant must be one of fp32, fp16, q4, int8; found 'fp8'"), r.err());
    }

    @Test
    void badRepositoryNameIsAnInputError() {
        Run r = inProcess("fetch", "not a repo", "--models-dir", tmp.toString());
        assertEquals(ExitCodes.INPUT, r.exit());
        assertTrue(r.err().contains("a repository is written owner/name"), r.err());
    }

    @Test
    void importFromAFolderPrintsTheModelFolder() throws Exception {
        Path source = TestAssets.Encoder.MINILM_L6_V2.modelDir();
        Run r = inProcess("fetch", "--from", source.toString(), "--models-dir", tmp.toString(), "--name", "minilm");
        assertEquals(0, r.exit(), r.err());
        Path dir = tmp.resolve("minilm");
        assertEquals(dir.toString(), r.out().strip());
        assertArrayEquals(Files.readAllBytes(source.resolve("model.onnx")), Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        assertTrue(Files.isRegularFile(dir.resolve(FetchManifest.FILE_NAME)));
    }

    @Test
    void repositoryAndFromTogetherIsAUsageError() {
        Run r = inProcess("fetch", "a/b", "--from", tmp.toString());
        assertEquals(ExitCodes.USAGE, r.exit());
        assertTrue(r.err().contains("give either a repository or --from DIR"), r.err());
    }

    @Test
    void importedFolderIsNamedAfterTheExportNotItsOnnxSubfolder() {
        assertEquals("qwen2.5-0.5b-export", FetchCommand.importName(Path.of("build/Qwen2.5-0.5B-export/onnx")));
        assertEquals("my-export", FetchCommand.importName(Path.of("/x/my-export")));
    }

    @Test
    void importFromAMissingFolderIsAnInputError() {
        Run r = inProcess("fetch", "--from", tmp.resolve("nowhere").toString(), "--models-dir", tmp.toString());
        assertEquals(ExitCodes.INPUT, r.exit());
        assertEquals("attnscope: --from " + tmp.resolve("nowhere") + ": no such folder", r.err().strip());
    }

    @Test
    void hubDownloadThroughTheEnvironment() throws Exception {
        try (var hub = new attnscope.model.hub.FakeHubAccess()) {
            Run ok = childJvm(Map.of("HF_ENDPOINT", hub.endpoint()), tmp, "fetch");
            assertEquals(0, ok.exit(), ok.err());
            assertEquals("models/qwen2.5-0.5b-instruct", ok.out().strip());
            assertTrue(ok.err().contains("model folder ready"), ok.err());
            assertArrayEquals(hub.modelBytes(), Files.readAllBytes(tmp.resolve("models/qwen2.5-0.5b-instruct/onnx/model.onnx")));

            Run offline = childJvm(Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HUB_OFFLINE", "1"), tmp, "fetch");
            assertEquals(0, offline.exit(), "a complete folder passes offline: " + offline.err());
            assertTrue(offline.err().contains("already complete"), offline.err());
        }
    }

    @Test
    void hubFailuresExitWithFourAndOneLine() throws Exception {
        try (var hub = new attnscope.model.hub.FakeHubAccess()) {
            hub.corruptModel();
            Run bad = childJvm(Map.of("HF_ENDPOINT", hub.endpoint()), tmp, "fetch");
            assertEquals(ExitCodes.INPUT, bad.exit(), bad.err());
            String last = bad.err().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("attnscope: checksum mismatch for onnx/model.onnx"), bad.err());
            assertFalse(bad.err().contains("\tat "), "no stack trace without --verbose: " + bad.err());

            Run offline = childJvm(Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HUB_OFFLINE", "1"), tmp, "fetch", "--variant", "q4");
            assertEquals(ExitCodes.INPUT, offline.exit());
            assertTrue(offline.err().contains("offline mode is on"), offline.err());

            Run unknown = childJvm(Map.of("HF_ENDPOINT", hub.endpoint()), tmp, "fetch", "nobody/nothing");
            assertEquals(ExitCodes.INPUT, unknown.exit());
            assertTrue(unknown.err().contains("repository not found: nobody/nothing"), unknown.err());
        }
    }
}
