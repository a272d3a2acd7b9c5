package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.model.ModelConfig;
import attnscope.testing.Cli.Run;
import attnscope.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `attnscope synth` on the command line: the folder it writes, and the exit codes of bad requests. */
class SynthCommandTest {
    @TempDir
    Path tmp;

    private static Run synth(String... args) {
        return Cli.run(Stream.concat(Stream.of("synth"), Stream.of(args)).toArray(String[]::new));
    }

    @Test
    void writesAModelFolder() {
        Path dir = tmp.resolve("m");
        Run r = synth("--out", dir.toString(), "--preset", "tiny", "--num-layers", "3", "--style", "fused-gqa",
                "--seed", "5");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("3 layers"), r.out());
        assertTrue(r.err().contains("100%"), "progress on stderr: " + r.err());
        for (String f : List.of("config.json", "model.onnx", "model.onnx.data", "tokenizer.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        ModelConfig c = ModelConfig.read(dir);
        assertEquals(3, c.layers());
        assertTrue(c.synthetic());
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(dir), siblings.toList(), "no temporary folder left beside the model");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void badGeometryIsAUsageError() {
        Run heads = synth("--out", tmp.resolve("a").toString(), "--num-heads", "5", "--kv-heads", "2");
        assertEquals(2, heads.exit());
        assertTrue(heads.err().contains("heads (5) must be a multiple of key/value heads (2)"), heads.err());
        Run odd = synth("--out", tmp.resolve("b").toString(), "--preset", "tiny", "--head-dim", "15");
        assertEquals(2, odd.exit());
        assertTrue(odd.err().contains("head dimension must be even"), odd.err());
        Run style = synth("--out", tmp.resolve("c").toString(), "--style", "flash");
        assertEquals(2, style.exit());
        assertTrue(style.err().contains("unknown style 'flash'"), style.err());
        assertFalse(heads.err().contains("Exception"), "no stack trace: " + heads.err());
        assertFalse(Files.exists(tmp.resolve("a")));
    }

    @Test
    void existingOutputIsKeptUnlessForcedAndSynthetic() throws Exception {
        Path dir = tmp.resolve("m");
        assertEquals(0, synth("--out", dir.toString(), "--preset", "tiny", "--seed", "1").exit());
        byte[] first = Files.readAllBytes(dir.resolve("model.onnx.data"));

        Run again = synth("--out", dir.toString(), "--preset", "tiny", "--seed", "2");
        assertEquals(4, again.exit());
        assertTrue(again.err().contains("exists and is not empty"), again.err());
        assertTrue(java.util.Arrays.equals(first, Files.readAllBytes(dir.resolve("model.onnx.data"))));

        assertEquals(0, synth("--out", dir.toString(), "--preset", "tiny", "--seed", "2", "--force").exit());
        assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(dir.resolve("model.onnx.data"))));

        Path other = tmp.resolve("notes");
        Files.createDirectories(other);
        Files.writeString(other.resolve("keep.txt"), "mine");
        Run forced = synth("--out", other.toString(), "--preset", "tiny", "--force");
        assertEquals(4, forced.exit());
        assertTrue(forced.err().contains("not a model folder written by attnscope synth"), forced.err());
        assertEquals("mine", Files.readString(other.resolve("keep.txt")));
    }

    @Test
    void tokenizerTooLargeForVocabularyIsAnInputError() {
        Run r = synth("--out", tmp.resolve("m").toString(), "--preset", "tiny", "--tokenizer",
                attnscope.testing.TestAssets.qwen2Tokenizer().toString());
        assertEquals(4, r.exit());
        assertTrue(r.err().contains("token ids up to 151668"), r.err());
        Run missing = synth("--out", tmp.resolve("m").toString(), "--tokenizer", tmp.resolve("nope.json").toString());
        assertEquals(4, missing.exit());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        Run small = synth("--out", tmp.resolve("m").toString(), "--preset", "tiny", "--vocab", "100");
        assertEquals(2, small.exit());
        assertTrue(small.err().contains("at least 256"), small.err());
        assertFalse(Files.exists(tmp.resolve("m")));
    }

    @Test
    void hiddenFaultOptionReachesTheConfig() throws Exception {
        Path dir = tmp.resolve("m");
        assertEquals(0, synth("--out", dir.toString(), "--preset", "tiny", "--fault", "SWAPPED_HEADS").exit());
        assertTrue(Files.readString(dir.resolve("config.json")).contains("SWAPPED_HEADS"));
        Run help = synth("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--style") && !help.out().contains("--fault"), help.out());
    }
}
