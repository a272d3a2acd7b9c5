package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.tensor.Npy;
import attnscope.tensor.Tensor;
import attnscope.testing.Cli.Run;
import attnscope.testing.TestAssets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inspect command end to end: exit codes, summary.json as CONTRACT.md has it, tensors, messages. */
class InspectCommandTest {
    @TempDir
    Path tmp;

    static Path tinyModel(String name, SynthSpec spec) {
        Path dir = TestAssets.projectRoot().resolve("target/test-models/inspect-cli-" + name + "-"
                + Integer.toHexString(spec.toString().hashCode()));
        if (Files.isRegularFile(dir.resolve("model.onnx"))) {
            return dir;
        }
        return SyntheticModelWriter.write(spec, dir, null, ProgressListener.NONE, true);
    }

    @Test
    void encoderPassesWritesContractSummaryAndReportsNotCausal() throws Exception {
        Path model = TestAssets.Encoder.MINILM_L6_V2.modelDir();
        Path out = tmp.resolve("out");
        Run r = run("inspect", "--model", model.toString(), "--text", "the cat chases the mouse", "--out", out.toString(),
                "--layers", "0,5", "--save-tensors");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("NOT causal"), r.out());
        assertTrue(r.out().contains("Q per head") && r.out().contains("7 × 32"), r.out());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(6, s.path("model").path("layers").asInt());
        assertEquals(12, s.path("model").path("kvHeads").asInt());
        assertFalse(s.path("model").path("causal").asBoolean());
        assertEquals("decomposed", s.path("model").path("attentionStyle").asText());
        assertEquals("[CLS]", s.path("tokens").get(0).asText());
        assertEquals(101, s.path("ids").get(0).asInt());
        assertEquals("[12,7,7]", s.path("shapes").path("pattern").toString());
        assertTrue(s.path("passed").asBoolean());
        JsonNode first = s.path("checks").get(0);
        for (String f : new String[] {"layer", "head", "check", "passed", "value", "limit"}) {
            assertTrue(first.has(f), "check field " + f);
        }
        // Only layers 0 and 5 were captured, and their tensors saved as the contract names them.
        Tensor pattern = Npy.read(out.resolve("tensors/layer5.pattern.npy"));
        Tensor ref = Npy.read(out.resolve("tensors/layer5.pattern.ref.npy"));
        assertEquals("[12, 7, 7]", Arrays.toString(pattern.shape()));
        assertEquals(pattern.get(3, 2, 4), ref.get(3, 2, 4), 1e-5);
        assertTrue(Files.exists(out.resolve("tensors/layer0.q.npy")));
        assertFalse(Files.exists(out.resolve("tensors/layer1.q.npy")));
        // Reproducible: the same run writes the same bytes.
        byte[] before = Files.readAllBytes(out.resolve("summary.json"));
        assertEquals(0, run("inspect", "--model", model.toString(), "--text", "the cat chases the mouse", "--out",
                out.toString(), "--layers", "0,5").exit());
        assertTrue(Arrays.equals(before, Files.readAllBytes(out.resolve("summary.json"))));
    }

    @Test
    void textFileIsReadAsUtf8() throws Exception {
        Path model = TestAssets.Encoder.MINILM_L6_V2_Q.modelDir();
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat chases the mouse\n");
        Path out = tmp.resolve("out");
        Run r = run("inspect", "--model", model.toString(), "--text-file", text.toString(), "--out", out.toString(), "--layers", "2");
        assertEquals(0, r.exit(), r.err());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(7, s.path("ids").size(), "[CLS] 5 words [SEP], the final newline dropped");
    }

    @Test
    void autoDeviceFallsBackToCpuWithOneLineNotice() {
        Path model = tinyModel("tiny", SynthSpec.tiny().seed(3).build());
        // Asked for explicitly: without --device (or --verbose) nothing is said about CUDA (QuietStderrTest).
        Run r = run("inspect", "--model", model.toString(), "--ids", "1,2,3,4,5", "--out", tmp.resolve("o").toString(),
                "--device", "auto");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("attnscope: running on the CPU (CUDA not available:")), r.err());
        assertTrue(r.out().contains("causal (a token sees only itself"), r.out());
    }

    @Test
    void cudaRequestedWithoutCudaIsAnInputError() {
        Path model = tinyModel("tiny", SynthSpec.tiny().seed(3).build());
        Run r = run("inspect", "--model", model.toString(), "--ids", "1,2,3", "--out", tmp.resolve("o").toString(), "--device", "cuda");
        assertEquals(4, r.exit());
        assertTrue(r.err().contains("--device cuda: CUDA is not available"), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.contains("CUDA")).count(), r.err());
        assertTrue(r.err().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + r.err());
    }

    @Test
    void withoutModelTheDefaultFolderIsUsedAndNeverDownloaded() {
        // Tests run in the project root; on a build machine no model has been fetched there.
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isDirectory(attnscope.model.DefaultModel.defaultDir()),
                "a model has been fetched into the default folder");
        Run r = run("inspect", "--text", "the cat", "--out", tmp.resolve("o").toString());
        assertEquals(4, r.exit(), r.err());
        assertTrue(r.err().contains("no model at models/qwen2.5-0.5b-instruct: run `attnscope fetch` first"), r.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing written");
    }

    @Test
    void failingCheckExitsThreeAndNamesLayerAndCheck() {
        Path model = tinyModel("future", SynthSpec.tiny().seed(3).fault(SynthSpec.Fault.FUTURE_VISIBLE_MASK).build());
        Run r = run("inspect", "--model", model.toString(), "--ids", "5,6,7,8", "--out", tmp.resolve("o").toString());
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.out().contains("layer 0 head 0, causal: query"), r.out());
        assertTrue(r.out().contains("checks FAILED"), r.out());
    }

    @Test
    void memoryGuardRefusesAndSuggestsLayers() {
        Path model = tinyModel("tiny", SynthSpec.tiny().seed(3).build());
        Run r = run("inspect", "--model", model.toString(), "--ids", "1,2,3,4,5,6,7,8", "--out", tmp.resolve("o").toString(),
                "--max-memory", "1K");
        assertEquals(4, r.exit());
        assertTrue(r.err().contains("--layers"), r.err());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing written when refused");
    }

    @Test
    void inputProblemsAreOneLineExitFour() throws Exception {
        Run missing = run("inspect", "--model", tmp.resolve("nope").toString(), "--text", "x", "--out", tmp.resolve("o").toString());
        assertEquals(4, missing.exit());
        assertTrue(missing.err().contains("does not exist"), missing.err());

        Path noConfig = Files.createDirectories(tmp.resolve("noconfig"));
        Files.writeString(noConfig.resolve("tokenizer.json"), "{}"); // not empty: only config.json is missing
        Run r = run("inspect", "--model", noConfig.toString(), "--text", "x", "--out", tmp.resolve("o").toString());
        assertEquals(4, r.exit());
        assertTrue(r.err().contains("no config.json"), r.err());

        Path model = tinyModel("tiny", SynthSpec.tiny().seed(3).build());
        Run badId = run("inspect", "--model", model.toString(), "--ids", "1,99999", "--out", tmp.resolve("o").toString());
        assertEquals(4, badId.exit());
        assertTrue(badId.err().contains("outside the vocabulary"), badId.err());

        Run badLayer = run("inspect", "--model", model.toString(), "--ids", "1,2", "--layers", "7", "--out", tmp.resolve("o").toString());
        assertEquals(4, badLayer.exit());
        assertTrue(badLayer.err().contains("layer 7 does not exist"), badLayer.err());
    }

    @Test
    void usageErrorsExitTwo() {
        Path model = tinyModel("tiny", SynthSpec.tiny().seed(3).build());
        assertEquals(2, run("inspect", "--model", model.toString(), "--ids", "1", "--out", "x", "--device", "tpu").exit());
        assertEquals(2, run("inspect", "--model", model.toString(), "--ids", "1", "--text", "a", "--out", "x").exit());
        assertEquals(2, run("inspect", "--model", model.toString(), "--out", "x").exit());
    }
}
