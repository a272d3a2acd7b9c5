package attnscope.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.testing.Cli;
import attnscope.testing.Cli.Run;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model folders and text files that are not what they seem: FIFOs, devices, folders and broken
 * links where files go, standard input as a text file, JSON of the wrong shape as a tokenizer. Each
 * is named for what it is, quickly (a FIFO is never opened: it would block).
 */
class UnusualFilesTest {
    @TempDir
    static Path shared;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = SyntheticModelWriter.write(SynthSpec.tiny().build(), shared.resolve("tiny"), null, null);
    }

    /** A copy of the model folder whose {@code name} is replaced by what {@code make} puts there. */
    private static Path withReplaced(Path dir, String name, ThrowingConsumer make) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("model"));
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals(name)) {
                    Files.createSymbolicLink(copy.resolve(f.getFileName()), f);
                }
            }
        }
        make.accept(copy.resolve(name));
        return copy;
    }

    interface ThrowingConsumer {
        void accept(Path p) throws Exception;
    }

    private static void mkfifo(Path p) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).inheritIO().start().waitFor());
    }

    @ParameterizedTest
    @ValueSource(strings = {"config.json", "tokenizer.json", "model.onnx"})
    void aFifoInTheModelFolderIsNamedAndNeverOpened(String name, @TempDir Path dir) throws Exception {
        Path folder = withReplaced(dir, name, UnusualFilesTest::mkfifo);
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Cli.run("inspect", "--model", folder.toString(),
                "--text", "the cat", "--out", dir.resolve("out").toString()));
        assertEquals(4, r.exit(), r.err());
        assertTrue(r.err().contains(folder.resolve(name) + " is a FIFO (named pipe), not a regular file: " + name
                + " must be the file itself"), r.err());
    }

    @Test
    void aConfigThatIsDevZeroIsADeviceNotAMissingFile(@TempDir Path dir) throws Exception {
        Path folder = withReplaced(dir, "config.json", p -> Files.createSymbolicLink(p, Path.of("/dev/zero")));
        InputException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(InputException.class, () -> ModelFolder.locate(folder)));
        assertEquals(folder.resolve("config.json") + " is a character device, not a regular file: config.json must be the file "
                + "itself", e.getMessage());
    }

    @Test
    void aModelThatIsAFolderOrABrokenLinkIsSaidSo(@TempDir Path dir) throws Exception {
        Path asFolder = withReplaced(dir.resolve("a"), "model.onnx", Files::createDirectories);
        assertTrue(assertThrows(InputException.class, () -> ModelFolder.locate(asFolder)).getMessage()
                .contains("model.onnx is a folder, not a regular file"));
        Path broken = withReplaced(dir.resolve("b"), "model.onnx", p -> Files.createSymbolicLink(p, dir.resolve("gone.onnx")));
        assertTrue(assertThrows(InputException.class, () -> ModelFolder.locate(broken)).getMessage()
                .contains("model.onnx is a symbolic link to " + dir.resolve("gone.onnx") + ", which does not exist"));
    }

    @Test
    void importingAFolderWhoseModelIsAFolderSaysWhatItFound(@TempDir Path dir) throws Exception {
        Path from = withReplaced(dir, "model.onnx", Files::createDirectories);
        Run r = Cli.run("fetch", "--from", from.toString(), "--models-dir", dir.resolve("models").toString());
        assertEquals(4, r.exit(), r.err());
        assertTrue(r.err().contains("no model.onnx file at its top or under onnx/ (found: model.onnx is a folder)"), r.err());
    }

    @Test
    void aDashOrDevStdinReadsStandardInput() {
        InputStream in = new ByteArrayInputStream("\uFEFFThe cat sat.\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("The cat sat.\n", TextFile.read(Path.of("-"), in));
        for (String name : java.util.List.of("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0")) {
            assertEquals("é", TextFile.read(Path.of(name), new ByteArrayInputStream("é".getBytes(StandardCharsets.UTF_8))), name);
        }
        InputException bad = assertThrows(InputException.class,
                () -> TextFile.read(Path.of("-"), new ByteArrayInputStream(new byte[] {'a', (byte) 0xFF})));
        assertTrue(bad.getMessage().startsWith("standard input is not valid UTF-8: byte 0xFF at offset 1"), bad.getMessage());
    }

    @Test
    void inspectReadsItsTextFromStandardInput(@TempDir Path dir) {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("the cat".getBytes(StandardCharsets.UTF_8)));
            Run r = Cli.run("inspect", "--model", model.toString(), "--text-file", "-", "--out", dir.resolve("out").toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("T = 7: t | h | e | ␣ | c | a | t"), r.out()); // the token line shows a space as ␣
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void aTextFileThatIsAFifoOrADeviceIsNamedNotMissing(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("pipe");
        mkfifo(fifo);
        InputException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(InputException.class,
                () -> TextFile.read(fifo)));
        assertEquals("--text-file " + fifo + " is a FIFO (named pipe), not a regular file: give a UTF-8 text file, or "
                + "--text-file - to read standard input", e.getMessage());
        InputException zero = assertThrows(InputException.class, () -> TextFile.read(Path.of("/dev/zero")));
        assertTrue(zero.getMessage().contains("/dev/zero is a character device"), zero.getMessage());
        assertEquals("no such text file: " + dir.resolve("none"),
                assertThrows(InputException.class, () -> TextFile.read(dir.resolve("none"))).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{}", "\"tokenizer\"", "{\"model\": 3}", "{\"model\": {\"type\": \"BPE\"}}", "", "   \n  "})
    void aTokenizerOfTheWrongShapeIsSaidToBeOne(String json, @TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), json);
        InputException e = assertThrows(InputException.class, () -> TextTokenizer.open(file));
        assertTrue(e.getMessage().startsWith("the tokenizer " + file + " is JSON but not a Hugging Face tokenizer.json (an object "
                + "whose \"model\" holds the vocabulary); found "), e.getMessage());
        assertFalse(e.getMessage().contains("expected"), e.getMessage());
    }

    @Test
    void aTokenizerThatIsNotJsonSaysWhere(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\n \"model\": {\"vocab\": {\"a\": 1,}}}");
        InputException e = assertThrows(InputException.class, () -> TextTokenizer.open(file));
        assertTrue(e.getMessage().startsWith("the tokenizer " + file + " is not valid JSON at line 2, column "), e.getMessage());
    }

    @Test
    void aConfigLinkThatLoopsIsSaidToLoop(@TempDir Path dir) throws Exception {
        Path folder = withReplaced(dir, "config.json", p -> Files.createSymbolicLink(p, p.getFileName()));
        assertTrue(assertThrows(InputException.class, () -> ModelFolder.locate(folder)).getMessage()
                .contains("config.json is a symbolic link that leads back to itself (a loop), not a regular file"));
    }

    @Test
    void aTokenizerNestedTooDeeplyIsRefusedSayingWhy(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\":{\"vocab\":" + "[".repeat(5000) + "]".repeat(5000)
                + "}}");
        InputException e = assertThrows(InputException.class, () -> TextTokenizer.open(file));
        assertTrue(e.getMessage().contains("is not valid JSON") && e.getMessage().contains("nesting depth"), e.getMessage());
    }

    @Test
    void aTokenizerOfAnUnknownModelTypeIsSaidToBeOne(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\":{\"vocab\":{\"a\":1},\"type\":\"Nonsense\"}}");
        InputException e = assertThrows(InputException.class, () -> TextTokenizer.open(file));
        assertTrue(e.getMessage().contains("its \"model\" is not one the Hugging Face tokenizers library knows"), e.getMessage());
    }

    @Test
    void aModelsDirOrSynthParentThatIsAFileIsSaidToBeAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "mine");
        Run fetch = Cli.run("fetch", "--from", model.toString(), "--models-dir", file.toString());
        assertEquals(4, fetch.exit(), fetch.err());
        assertTrue(fetch.err().contains(file + " is a file, not a folder (choose another --models-dir)"), fetch.err());
        Run synth = Cli.run("synth", "--out", file.resolve("m").toString(), "--preset", "tiny");
        assertEquals(4, synth.exit(), synth.err());
        assertEquals("attnscope: cannot write the model to " + file.resolve("m") + ": " + file + " is a file, not a folder; "
                + "choose another --out", synth.err().strip());
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void aPlotNamedLikeAFolderIsSaidToBeAFolderNotAFullDisk(@TempDir Path dir) throws Exception {
        // The plot is OUT/memory_vs_tokens.png (--plot FILE is a deprecated spelling, with a notice of its own).
        Path plot = Files.createDirectories(dir.resolve("memory_vs_tokens.png"));
        Run r = Cli.run("shapes", "--out", dir.toString());
        assertEquals(4, r.exit(), r.err());
        assertTrue(r.err().strip().startsWith("attnscope: cannot write " + plot + ": a folder of that name is in the way"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
