package attnscope.model.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import attnscope.onnx.ExternalDataConverter;
import attnscope.onnx.ExternalDataConverterTest;
import attnscope.testing.TestAssets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch and import with a real trained model (all-MiniLM-L6-v2, fp32, 90 MB): whatever form the
 * weights arrive in (inside the .onnx, or external under another name), the folder ends up as
 * onnx/model.onnx (+ model.onnx.data) and ONNX Runtime computes exactly what it did before.
 */
class RealModelFetchTest {
    static final String REPO = "sentence-transformers/all-MiniLM-L6-v2";

    static Path minilmDir;
    static Map<String, float[]> reference;

    @TempDir
    Path tmp;
    StringWriter log = new StringWriter();

    @BeforeAll
    static void reference() throws Exception {
        minilmDir = TestAssets.Encoder.MINILM_L6_V2.modelDir();
        reference = ExternalDataConverterTest.run(minilmDir.resolve("model.onnx"));
    }

    ModelFetcher fetcher(HubSettings settings) {
        return new ModelFetcher(settings, new PrintWriter(log, true), false);
    }

    @Test
    void variantWithExternalDataUnderAnotherNameIsRelocated() throws Exception {
        // As transformers.js repositories ship it: onnx/model_fp16.onnx + onnx/model_fp16.onnx_data.
        Path staged = tmp.resolve("hubfiles/model_fp16.onnx");
        Files.createDirectories(staged.getParent());
        ExternalDataConverter.convert(minilmDir.resolve("model.onnx"), staged, "model_fp16.onnx_data");
        Map<String, byte[]> files = sideFiles();
        files.put("onnx/model_fp16.onnx", Files.readAllBytes(staged));
        files.put("onnx/model_fp16.onnx_data", Files.readAllBytes(staged.resolveSibling("model_fp16.onnx_data")));
        Path dir = tmp.resolve("models/all-minilm-l6-v2");
        try (FakeHub hub = new FakeHub()) {
            hub.repo(REPO, files);
            fetcher(hub.settings()).fetch(REPO, "main", Variant.FP16, dir, false);
        }

        assertTrue(Files.isRegularFile(dir.resolve("onnx/model.onnx.data")));
        assertFalse(Files.exists(dir.resolve("onnx/model_fp16.onnx_data")), "one fixed layout");
        assertSameOutputs(dir.resolve("onnx/model.onnx"));
        assertTrue(FetchManifest.read(dir).orElseThrow().verify(dir).isEmpty());
    }

    @Test
    void inlineModelIsConvertedWhenAsked() throws Exception {
        Map<String, byte[]> files = sideFiles();
        files.put("onnx/model.onnx", Files.readAllBytes(minilmDir.resolve("model.onnx")));
        Path dir = tmp.resolve("models/minilm");
        try (FakeHub hub = new FakeHub()) {
            hub.repo(REPO, files);
            fetcher(hub.settings()).fetch(REPO, "main", Variant.FP32, dir, true);
        }
        assertTrue(Files.size(dir.resolve("onnx/model.onnx")) < 1_000_000, "the graph alone is small");
        assertSameOutputs(dir.resolve("onnx/model.onnx"));
    }

    @Test
    void optimumExportIsImportedWithoutTouchingTheSource() throws Exception {
        // optimum-cli export onnx writes model.onnx + model.onnx_data, config.json, tokenizer.json at the top.
        Path export = tmp.resolve("export");
        Files.createDirectories(export);
        ExternalDataConverter.convert(minilmDir.resolve("model.onnx"), export.resolve("model.onnx"), "model.onnx_data");
        Files.copy(minilmDir.resolve("config.json"), export.resolve("config.json"));
        Files.copy(minilmDir.resolve("tokenizer.json"), export.resolve("tokenizer.json"));
        Map<String, String> before = hashes(export);
        Path dir = tmp.resolve("models/minilm-export");

        ModelFetcher.Outcome outcome = fetcher(offline()).importFolder(export, dir, false);

        assertEquals(before, hashes(export), "the source folder must not change");
        assertSameOutputs(dir.resolve("onnx/model.onnx"));
        FetchManifest m = outcome.manifest();
        assertEquals(export.toAbsolutePath().normalize().toString(), m.importedFrom());
        assertEquals("model.onnx", m.files().stream().filter(f -> f.path().equals("onnx/model.onnx")).findFirst().orElseThrow().from());

        // A second import finds the folder complete and does nothing.
        assertTrue(fetcher(offline()).importFolder(export, dir, false).alreadyComplete());
    }

    @Test
    void smallInlineModelIsCopiedAsItIs() throws Exception {
        Path dir = tmp.resolve("models/minilm-copy");
        fetcher(offline()).importFolder(minilmDir, dir, false);
        assertArrayEquals(Files.readAllBytes(minilmDir.resolve("model.onnx")), Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        assertFalse(Files.exists(dir.resolve("onnx/model.onnx.data")));
    }

    @Test
    void importWithoutTokenizerSaysWhatIsMissing() throws Exception {
        Path export = tmp.resolve("incomplete");
        Files.createDirectories(export.resolve("onnx"));
        Files.copy(minilmDir.resolve("model.onnx"), export.resolve("onnx/model.onnx"));
        Files.copy(minilmDir.resolve("config.json"), export.resolve("config.json"));
        InputException e = assertThrows(InputException.class,
                () -> fetcher(offline()).importFolder(export, tmp.resolve("models/x"), false));
        assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("models/x")));
    }

    @Test
    void importWithoutModelListsTheOnnxFilesFound() throws Exception {
        Path export = tmp.resolve("old-optimum");
        Files.createDirectories(export);
        Files.writeString(export.resolve("decoder_model.onnx"), "x");
        InputException e = assertThrows(InputException.class,
                () -> fetcher(offline()).importFolder(export, tmp.resolve("models/y"), false));
        assertTrue(e.getMessage().contains("no model.onnx") && e.getMessage().contains("decoder_model.onnx"), e.getMessage());
    }

    private void assertSameOutputs(Path model) throws Exception {
        Map<String, float[]> outputs = ExternalDataConverterTest.run(model);
        assertEquals(reference.keySet(), outputs.keySet());
        for (String name : reference.keySet()) {
            assertArrayEquals(reference.get(name), outputs.get(name), name);
        }
    }

    /** Import needs no network: run it offline to prove that. */
    private static HubSettings offline() {
        return new HubSettings(java.net.URI.create("http://127.0.0.1:9"), java.util.Optional.empty(), true);
    }

    private static Map<String, byte[]> sideFiles() throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        files.put("config.json", Files.readAllBytes(minilmDir.resolve("config.json")));
        files.put("tokenizer.json", Files.readAllBytes(minilmDir.resolve("tokenizer.json")));
        return files;
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> h = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                h.put(dir.relativize(p).toString(), Downloader.sha256(p));
            }
        }
        return h;
    }
}
