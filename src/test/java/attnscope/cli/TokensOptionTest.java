package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.tensor.Npy;
import attnscope.testing.Cli.Run;
import attnscope.testing.TestAssets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tokens T} on inspect and figures, with the real Qwen2 tokenizer: exactly T tokens, said on stderr, or exit 4. */
class TokensOptionTest {
    @TempDir
    static Path shared;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = SyntheticModelWriter.write(SynthSpec.tiny().vocab(151936).seed(3).build(), shared.resolve("tiny"),
                TestAssets.qwen2Tokenizer(), ProgressListener.NONE, true);
    }

    @Test
    void inspectCutsTheTextToExactlyTTokensAndSavesTheScores(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        // "the cat chases the mouse" is 6 tokens: the Ġcat Ġch ases Ġthe Ġmouse.
        Run r = run("inspect", "--model", model.toString(), "--text", "the cat chases the mouse", "--tokens", "3",
                "--out", out.toString(), "--save-tensors");
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertTrue(r.err().contains("cut the text from 6 to its first 3 tokens (--tokens 3)"), r.err());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("[\"the\",\"Ġcat\",\"Ġch\"]", s.path("tokens").toString());
        assertEquals(3, s.path("shapes").path("pattern").get(1).asInt());
        // The pre-softmax scores, (H, T, T), as CONTRACT.md names them.
        var scores = Npy.read(out.resolve("tensors/layer0.scores.npy"));
        assertEquals(Arrays.toString(Npy.read(out.resolve("tensors/layer0.pattern.npy")).shape()), Arrays.toString(scores.shape()));
        assertTrue(Float.isFinite(scores.get(0, 0, 2)), "before the mask: a future key keeps its score");

        Run exact = run("inspect", "--model", model.toString(), "--text", "the cat chases the mouse", "--tokens", "6",
                "--out", dir.resolve("exact").toString());
        assertEquals(ExitCodes.OK, exact.exit(), exact.err());
        assertFalse(exact.err().contains("cut the text"), "nothing cut, nothing said: " + exact.err());
    }

    @Test
    void tooFewTokensIsAnInputErrorAndWritesNothing(@TempDir Path dir) {
        Path out = dir.resolve("out");
        Run r = run("inspect", "--model", model.toString(), "--text", "the cat chases the mouse", "--tokens", "7", "--out", out.toString());
        assertEquals(ExitCodes.INPUT, r.exit(), r.err());
        assertEquals("attnscope: --tokens 7: the text has only 6 tokens; give a longer text or a smaller --tokens", r.err().strip());
        assertFalse(Files.exists(out));
        Run zero = run("inspect", "--model", model.toString(), "--text", "the cat", "--tokens", "0", "--out", out.toString());
        assertEquals(ExitCodes.USAGE, zero.exit(), zero.err());
    }

    @Test
    void figuresDrawExactlyTTokens(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("figs");
        Run r = run("figures", "--model", model.toString(), "--text", "the cat chases the mouse", "--tokens", "4",
                "--layers", "0", "--out", out.toString(), "--size", "400");
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertTrue(r.err().contains("cut the text from 6 to its first 4 tokens"), r.err());
        assertTrue(Files.isRegularFile(out.resolve("figures/layer00_head00.png")));
    }
}
