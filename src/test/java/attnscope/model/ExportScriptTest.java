package attnscope.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.cli.AttnscopeCommand;
import attnscope.model.hub.FetchManifest;
import attnscope.onnx.ExternalDataConverter;
import attnscope.testing.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/export-qwen2.5-base.sh without PyPI or the hub (neither is reachable here): its syntax,
 * its dry run, and a full run in which python3, pip and optimum-cli are stubs on PATH and the
 * "export" is a real small model (MiniLM, weights in model.onnx_data as optimum writes them) that
 * the script then imports with the real attnscope.
 */
class ExportScriptTest {
    static final Path SCRIPT = TestAssets.projectRoot().resolve("scripts/export-qwen2.5-base.sh");

    @TempDir
    Path tmp;

    record Run(int exit, String out) {
    }

    Run bash(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = tmp.resolve("script-output.txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the script did not finish");
        return new Run(p.exitValue(), Files.readString(out));
    }

    @Test
    void syntaxIsValid() throws Exception {
        Process p = new ProcessBuilder("bash", "-n", SCRIPT.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    @Test
    void dryRunPrintsTheCommandsAndRunsNothing() throws Exception {
        Run r = bash(Map.of(), "--dry-run", "--work", "w");
        assertEquals(0, r.exit(), r.out());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of(
                "+ python3 -m venv w/venv",
                "+ w/venv/bin/pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu",
                "+ w/venv/bin/pip install --quiet optimum\\[onnxruntime\\] transformers",
                "+ w/venv/bin/optimum-cli export onnx --model Qwen/Qwen2.5-0.5B --task text-generation-with-past w/onnx",
                "+ java -jar target/attnscope.jar fetch --from w/onnx --models-dir models --name qwen2.5-0.5b"), lines);
        assertTrue(!Files.exists(tmp.resolve("w")), "a dry run creates nothing");
    }

    @Test
    void unknownOptionIsAUsageError() throws Exception {
        Run r = bash(Map.of(), "--bogus");
        assertEquals(2, r.exit());
        assertTrue(r.out().contains("unknown option '--bogus'"), r.out());
    }

    @Test
    void fullRunWithStubbedPythonImportsTheExport() throws Exception {
        // The "export" optimum would write: model.onnx + model.onnx_data, config.json, tokenizer.json.
        Path minilm = TestAssets.Encoder.MINILM_L6_V2.modelDir();
        Path export = tmp.resolve("stub-export");
        Files.createDirectories(export);
        ExternalDataConverter.convert(minilm.resolve("model.onnx"), export.resolve("model.onnx"), "model.onnx_data");
        Files.copy(minilm.resolve("config.json"), export.resolve("config.json"));
        Files.copy(minilm.resolve("tokenizer.json"), export.resolve("tokenizer.json"));

        Path bin = tmp.resolve("stub-bin");
        Files.createDirectories(bin);
        Path log = tmp.resolve("stub.log");
        executable(bin.resolve("python3"), """
                #!/bin/bash
                echo "python3 $*" >> "$STUB_LOG"
                [ "$1" = -m ] && [ "$2" = venv ] || exit 1
                mkdir -p "$3/bin"
                printf '#!/bin/bash\\necho "pip $*" >> "$STUB_LOG"\\n' > "$3/bin/pip"
                printf '#!/bin/bash\\necho "optimum-cli $*" >> "$STUB_LOG"\\nout="${@: -1}"\\nmkdir -p "$out"\\ncp "$STUB_EXPORT"/* "$out"/\\n' > "$3/bin/optimum-cli"
                chmod +x "$3/bin/pip" "$3/bin/optimum-cli"
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, String> env = Map.of(
                "PATH", bin + ":/usr/bin:/bin",
                "STUB_LOG", log.toString(),
                "STUB_EXPORT", export.toString(),
                "ATTNSCOPE", java + " -cp " + System.getProperty("java.class.path") + " " + AttnscopeCommand.class.getName());

        Run r = bash(env);

        assertEquals(0, r.exit(), r.out());
        assertEquals(List.of(
                "python3 -m venv build/qwen2.5-0.5b-export/venv",
                "pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu",
                "pip install --quiet optimum[onnxruntime] transformers",
                "optimum-cli export onnx --model Qwen/Qwen2.5-0.5B --task text-generation-with-past build/qwen2.5-0.5b-export/onnx"),
                Files.readAllLines(log));
        Path dir = tmp.resolve("models/qwen2.5-0.5b");
        assertTrue(Files.isRegularFile(dir.resolve("onnx/model.onnx")), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("onnx/model.onnx.data")), "the export's model.onnx_data is relocated");
        FetchManifest m = FetchManifest.read(dir).orElseThrow();
        assertTrue(m.importedFrom().endsWith("build/qwen2.5-0.5b-export/onnx"), m.importedFrom());
        assertTrue(m.verify(dir).isEmpty());
        assertTrue(r.out().contains("done: models/qwen2.5-0.5b"), r.out());
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
