package attnscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import attnscope.output.FileSink;
import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.testing.Cli.Run;
import attnscope.testing.Cli;
import attnscope.testing.TestAssets;
import attnscope.testing.WrongModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Issue #7: bad input never crashes the tool or lies. Each case is a command line a user could type
 * (a typo, a wrong folder, a broken file, odd text) and must end with the exit code of CONTRACT.md,
 * exactly one line on stderr naming the problem (no stack trace), and the output folder as it was:
 * still absent when it was absent, byte for byte the same when it held an earlier run.
 */
class BadInputTest {
    @TempDir
    static Path shared;

    /** A synthetic Qwen2 model: byte-level tokenizer, vocabulary 512, context (max_position_embeddings) 512. */
    static Path tiny;
    /** The same geometry with the real Qwen2 tokenizer (vocabulary 151936). */
    static Path qwenTiny;

    @BeforeAll
    static void models() {
        tiny = cached("badinput-tiny", SynthSpec.tiny().seed(7).build(), null);
        qwenTiny = cached("badinput-qwen-tiny", SynthSpec.tiny().seed(7).vocab(151936).build(), TestAssets.qwen2Tokenizer());
    }

    /** Synthetic models are written once per build into target/test-models. */
    static Path cached(String name, SynthSpec spec, Path tokenizer) {
        Path dir = TestAssets.projectRoot().resolve("target/test-models/" + name + "-" + Integer.toHexString(spec.toString().hashCode()));
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            return dir;
        }
        return SyntheticModelWriter.write(spec, dir, tokenizer, ProgressListener.NONE, true);
    }

    /** Runs the command line in this JVM, as {@code java -jar attnscope.jar} would, without --verbose. */
    static Run run(List<String> args) {
        return run(args, cl -> { });
    }

    static Run run(List<String> args, Consumer<CommandLine> prepare) {
        return Cli.run(prepare, args.toArray(String[]::new));
    }

    /** Builds a case's command line in its own scratch folder; {@code out} is the --out to give. */
    @FunctionalInterface
    interface Setup {
        List<String> args(Path scratch, Path out) throws IOException;
    }

    /**
     * One bad input and what must come of it.
     *
     * @param says a piece of the one line on stderr that names the problem
     */
    record Case(String name, int exit, String says, Setup setup) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // The model folder.
        c.add(new Case("model folder missing", 4, "does not exist",
                (dir, out) -> inspect(dir.resolve("no-such-model"), out, "--text", "the cat")));
        c.add(new Case("model folder empty", 4, "is empty",
                (dir, out) -> inspect(Files.createDirectories(dir.resolve("empty")), out, "--text", "the cat")));
        c.add(new Case("model folder is a file", 4, "is not a folder",
                (dir, out) -> inspect(Files.writeString(dir.resolve("model.txt"), "x"), out, "--text", "the cat")));
        c.add(new Case("no config.json", 4, "no config.json",
                (dir, out) -> inspect(copy(tiny, dir, m -> delete(m.resolve("config.json"))), out, "--text", "the cat")));
        c.add(new Case("no tokenizer.json", 4, "no tokenizer.json",
                (dir, out) -> inspect(copy(tiny, dir, m -> delete(m.resolve("tokenizer.json"))), out, "--text", "the cat")));
        c.add(new Case("no ONNX file", 4, "no model.onnx",
                (dir, out) -> inspect(copy(tiny, dir, m -> delete(m.resolve("model.onnx"))), out, "--text", "the cat")));
        // config.json.
        c.add(new Case("config.json is not JSON", 4, "config.json is not valid JSON",
                (dir, out) -> inspect(copy(tiny, dir, m -> write(m.resolve("config.json"), "{\"hidden_size\": 64,")), out,
                        "--text", "the cat")));
        c.add(new Case("config.json is a JSON list", 4, "is not a JSON object",
                (dir, out) -> inspect(copy(tiny, dir, m -> write(m.resolve("config.json"), "[64, 2, 4]")), out, "--text", "the cat")));
        c.add(new Case("config.json lacks a field", 4, "lacks \"num_attention_heads\"",
                (dir, out) -> inspect(copy(tiny, dir, m -> editConfig(m, "\"num_attention_heads\" : 4,", "")), out,
                        "--text", "the cat")));
        c.add(new Case("config.json field is not a number", 4, "\"hidden_size\" must be an integer",
                (dir, out) -> inspect(copy(tiny, dir, m -> editConfig(m, "\"hidden_size\" : 64", "\"hidden_size\" : \"big\"")), out,
                        "--text", "the cat")));
        c.add(new Case("config.json disagrees with the graph's layers", 4, "config.json says 3 layers, the graph has 2 attention sites",
                (dir, out) -> inspect(copy(tiny, dir, m -> editConfig(m, "\"num_hidden_layers\" : 2", "\"num_hidden_layers\" : 3")),
                        out, "--ids", "1,2,3")));
        // The ONNX file.
        c.add(new Case("ONNX file truncated", 4, "model.onnx is not a valid ONNX file: it is cut short or not ONNX at all",
                (dir, out) -> inspect(copy(tiny, dir, m -> truncate(m.resolve("model.onnx"), 0.5)), out, "--text", "the cat")));
        c.add(new Case("ONNX file is random bytes", 4, "model.onnx is not",
                (dir, out) -> inspect(copy(tiny, dir, m -> write(m.resolve("model.onnx"), randomBytes(5000, 11))), out,
                        "--text", "the cat")));
        c.add(new Case("ONNX file is an HTML page", 4, "model.onnx is not",
                (dir, out) -> inspect(copy(tiny, dir, m -> write(m.resolve("model.onnx"),
                        "<!DOCTYPE html><html><body>Repository not found</body></html>")), out, "--text", "the cat")));
        c.add(new Case("ONNX file empty", 4, "model.onnx is empty (0 bytes)",
                (dir, out) -> inspect(copy(tiny, dir, m -> write(m.resolve("model.onnx"), "")), out, "--text", "the cat")));
        c.add(new Case("ONNX weights file cut short", 4, "model.onnx.data is cut short",
                (dir, out) -> inspect(copy(tiny, dir, m -> truncate(m.resolve("model.onnx.data"), 0.5)), out, "--text", "the cat")));
        c.add(new Case("ONNX weights file missing", 4, "model.onnx.data, which is missing",
                (dir, out) -> inspect(copy(tiny, dir, m -> delete(m.resolve("model.onnx.data"))), out, "--text", "the cat")));
        c.add(new Case("ONNX with an input attnscope cannot fill", 4, "has an input attnscope does not know how to fill: pixel_values",
                (dir, out) -> inspect(copy(tiny, dir, m -> {
                    delete(m.resolve("model.onnx.data"));
                    write(m.resolve("model.onnx"), WrongModels.bagOfWords(512, true));
                }), out, "--text", "the cat")));
        c.add(new Case("ONNX image classifier", 4, "is not a language model: it takes pixel_values [1, 3, 8, 8]",
                (dir, out) -> inspect(copy(tiny, dir, m -> {
                    delete(m.resolve("model.onnx.data"));
                    write(m.resolve("model.onnx"), WrongModels.imageClassifier());
                }), out, "--text", "the cat")));
        c.add(new Case("ONNX language model without attention", 4, "no attention found in the graph",
                (dir, out) -> inspect(copy(tiny, dir, m -> {
                    delete(m.resolve("model.onnx.data"));
                    write(m.resolve("model.onnx"), WrongModels.bagOfWords(512));
                }), out, "--text", "the cat")));
        // Tokenizer and model.
        c.add(new Case("tokenizer of another model", 4, "tokenizer.json does not belong to this model",
                (dir, out) -> inspect(copy(tiny, dir, m -> copyFile(TestAssets.qwen2Tokenizer(), m.resolve("tokenizer.json"))), out,
                        "--text", "hello world")));
        c.add(new Case("ids beyond the embedding", 4, "token id 600 is beyond the model's embedding, which has 512 rows",
                (dir, out) -> inspect(copy(tiny, dir, m -> editConfig(m, "\"vocab_size\" : 512", "\"vocab_size\" : 151936")), out,
                        "--ids", "1,600")));
        c.add(new Case("ids beyond the vocabulary", 4, "token id 512 is outside the vocabulary (0..511)",
                (dir, out) -> inspect(tiny, out, "--ids", "1,512")));
        c.add(new Case("negative id", 4, "token id -3 is outside the vocabulary",
                (dir, out) -> inspect(tiny, out, "--ids", "1,-3")));
        // The text.
        c.add(new Case("empty text", 4, "the text is empty", (dir, out) -> inspect(tiny, out, "--text", "")));
        c.add(new Case("whitespace-only text", 4, "the text is only whitespace",
                (dir, out) -> inspect(qwenTiny, out, "--text", " \t\u00A0\u3000 ")));
        c.add(new Case("empty text file", 4, "the text is empty",
                (dir, out) -> inspect(tiny, out, "--text-file", Files.writeString(dir.resolve("t.txt"), "\n").toString())));
        c.add(new Case("whitespace-only text file", 4, "the text is only whitespace",
                (dir, out) -> inspect(tiny, out, "--text-file", Files.writeString(dir.resolve("t.txt"), "\n \n\t\n").toString())));
        c.add(new Case("text longer than the context", 4, "longer than the model's context of 512 tokens",
                (dir, out) -> inspect(tiny, out, "--text-file", Files.writeString(dir.resolve("t.txt"), "word ".repeat(120)).toString())));
        c.add(new Case("ids longer than the context", 4, "the input is 513 tokens, longer than the model's context of 512",
                (dir, out) -> inspect(tiny, out, "--ids", String.join(",", java.util.Collections.nCopies(513, "7")))));
        c.add(new Case("text over the memory guard", 4, "raise --max-memory",
                (dir, out) -> inspect(tiny, out, "--text", "the cat chases the mouse", "--max-memory", "1K")));
        c.add(new Case("invalid UTF-8 in --text-file", 4, "t.txt is not valid UTF-8: byte 0xFF at offset 6 (line 1, byte 7",
                (dir, out) -> inspect(tiny, out, "--text-file", Files.write(dir.resolve("t.txt"),
                        concat("café ".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF}, " ok".getBytes(StandardCharsets.UTF_8)))
                        .toString())));
        c.add(new Case("Latin-1 --text-file", 4, "byte 0xE9 at offset 11 (line 2, byte 4",
                (dir, out) -> inspect(tiny, out, "--text-file", Files.write(dir.resolve("t.txt"),
                        "the cat\ncaf\u00e9".getBytes(StandardCharsets.ISO_8859_1)).toString())));
        c.add(new Case("--text-file missing", 4, "no such text file",
                (dir, out) -> inspect(tiny, out, "--text-file", dir.resolve("nope.txt").toString())));
        c.add(new Case("--text-file name with a line break", 4, "no such text file: " ,
                (dir, out) -> inspect(tiny, out, "--text-file", dir.resolve("notes\nfor class.txt").toString())));
        c.add(new Case("--text-file is a folder", 4, "is a folder: give a UTF-8 text file",
                (dir, out) -> inspect(tiny, out, "--text-file", dir.toString())));
        c.add(new Case("--text-file too large", 4, "attnscope reads texts up to 1 MiB",
                (dir, out) -> inspect(tiny, out, "--text-file", Files.writeString(dir.resolve("t.txt"), "a".repeat((1 << 20) + 1))
                        .toString())));
        // Layer and head numbers.
        c.add(new Case("layer out of range", 4, "layer 2 does not exist: the model has 2 layers (0..1)",
                (dir, out) -> inspect(tiny, out, "--text", "the cat", "--layers", "0,2")));
        c.add(new Case("negative layer", 4, "layer -1 does not exist",
                (dir, out) -> inspect(tiny, out, "--text", "the cat", "--layers", "-1")));
        c.add(new Case("layers not numbers", 2, "--layers takes 'all' or layer numbers",
                (dir, out) -> inspect(tiny, out, "--text", "the cat", "--layers", "first")));
        c.add(new Case("head out of range", 4, "--row-heads: head 4 does not exist; the model has 4 heads (0..3)",
                (dir, out) -> figures(tiny, out, "--text", "the cat", "--row-query", "1", "--row-heads", "0,4")));
        c.add(new Case("row query beyond the text", 2, "--row-query: Query position 99 outside 0..6",
                (dir, out) -> figures(tiny, out, "--text", "the cat", "--row-query", "99")));
        // The output folder.
        c.add(new Case("--out is a file", 4, "is a file, not a folder",
                (dir, out) -> inspect(tiny, Files.writeString(dir.resolve("out"), "mine"), "--text", "the cat")));
        c.add(new Case("--out inside a file", 4, "cannot be created: ",
                (dir, out) -> inspect(tiny, Files.writeString(dir.resolve("file"), "mine").resolve("out"), "--text", "the cat")));
        c.add(new Case("figures --out is a file", 4, "is a file, not a folder",
                (dir, out) -> figures(tiny, Files.writeString(dir.resolve("out"), "mine"), "--text", "the cat")));
        c.add(new Case("lesson --out is a file", 4, "is a file, not a folder",
                (dir, out) -> List.of("lesson", "--model", qwenTiny.toString(), "--out",
                        Files.writeString(dir.resolve("out"), "mine").toString())));
        // The device.
        c.add(new Case("--device cuda without CUDA", 4, "--device cuda: CUDA is not available",
                (dir, out) -> {
                    assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this build has CUDA");
                    return List.of("inspect", "--model", tiny.toString(), "--text", "the cat", "--out", out.toString(),
                            "--device", "cuda");
                }));
        c.add(new Case("--device unknown", 2, "--device must be auto, cpu or cuda, not 'tpu'",
                (dir, out) -> List.of("inspect", "--model", tiny.toString(), "--text", "the cat", "--out", out.toString(),
                        "--device", "tpu")));
        // The lesson reads its passage and model the same way.
        c.add(new Case("lesson with invalid UTF-8", 4, "is not valid UTF-8: byte 0xFF at offset 0",
                (dir, out) -> List.of("lesson", "--model", qwenTiny.toString(), "--out", out.toString(), "--device", "cpu",
                        "--text-file", Files.write(dir.resolve("t.txt"), new byte[] {(byte) 0xFF, 'a'}).toString())));
        c.add(new Case("lesson with an image classifier", 4, "is not a language model",
                (dir, out) -> List.of("lesson", "--model", copy(qwenTiny, dir, m -> {
                    delete(m.resolve("model.onnx.data"));
                    write(m.resolve("model.onnx"), WrongModels.imageClassifier());
                }).toString(), "--out", out.toString(), "--device", "cpu")));
        return c.stream();
    }

    /**
     * Each case twice: with --out absent (it must stay absent), and with --out holding an earlier run
     * (it must stay byte for byte the same). Either way: the exit code, and one line on stderr.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedInOneLineWithNothingWritten(Case c) throws IOException {
        Path scratch = Files.createTempDirectory(shared, "case");
        Path out = scratch.resolve("out-absent");
        List<String> args = c.setup().args(scratch, out);
        Map<String, String> before = snapshot(outOf(args));
        Run r = run(args);
        assertRefused(c, r);
        assertEquals(before, snapshot(outOf(args)), "the output folder must be left as it was");
        if (!out.equals(outOf(args)) || before != null) {
            return; // the case chose its own --out (a file, say)
        }
        Path earlier = scratch.resolve("out-earlier");
        writeEarlierRun(earlier);
        List<String> again = new ArrayList<>(args);
        again.set(args.indexOf(out.toString()), earlier.toString());
        Map<String, String> held = snapshot(earlier);
        Run r2 = run(again);
        assertRefused(c, r2);
        assertEquals(held, snapshot(earlier), "an earlier run's files must be left as they were");
    }

    static void assertRefused(Case c, Run r) {
        assertEquals(c.exit(), r.exit(), c.name() + ": exit code; stderr: " + r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(1, lines.size(), c.name() + ": exactly one line on stderr, found:\n" + r.err());
        String line = lines.get(0);
        assertTrue(line.startsWith("attnscope: "), line);
        assertTrue(line.contains(c.says()), c.name() + ": the line must name the problem (\"" + c.says() + "\"): " + line);
        assertFalse(line.contains("Exception") || line.contains("internal error"), "no exception text: " + line);
        assertEquals("", r.out(), "nothing on stdout for a refused input");
    }

    /** The folder as relative path → content, or null when it does not exist; a file snapshots as itself. */
    static Map<String, String> snapshot(Path p) throws IOException {
        if (!Files.exists(p)) {
            return null;
        }
        Map<String, String> m = new TreeMap<>();
        if (Files.isRegularFile(p)) {
            m.put("", Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
            return m;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.toList()) {
                m.put(p.relativize(f).toString(), Files.isDirectory(f) ? "folder"
                        : Base64.getEncoder().encodeToString(Files.readAllBytes(f)));
            }
        }
        return m;
    }

    /** What an earlier, successful run left: a summary, tensors and figures. */
    static void writeEarlierRun(Path out) throws IOException {
        Files.createDirectories(out.resolve("figures"));
        Files.createDirectories(out.resolve("tensors"));
        Files.writeString(out.resolve("summary.json"), "{\"passed\": true, \"earlier\": true}\n");
        Files.write(out.resolve("tensors/layer0.q.npy"), new byte[] {1, 2, 3});
        Files.write(out.resolve("figures/layer00_head00.png"), new byte[] {4, 5, 6});
        Files.write(out.resolve("figures/overview.png"), new byte[] {7, 8, 9});
        // As a real run leaves it: the manifest says which files are attnscope's.
        Files.writeString(out.resolve(attnscope.output.OutputFolder.MANIFEST),
                "summary.json\ntensors/layer0.q.npy\nfigures/layer00_head00.png\nfigures/overview.png\n");
    }

    static Path outOf(List<String> args) {
        return Path.of(args.get(args.indexOf("--out") + 1));
    }

    static List<String> inspect(Path model, Path out, String... more) {
        return command("inspect", model, out, more);
    }

    static List<String> figures(Path model, Path out, String... more) {
        return command("figures", model, out, more);
    }

    private static List<String> command(String name, Path model, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(name, "--model", model.toString(), "--out", out.toString(), "--device", "cpu"));
        args.addAll(Arrays.asList(more));
        return args;
    }

    // ---- disk full, read-only: the failure comes from the machine, not the command line ----

    /** Writes the first {@code good} files, then half of the next one and fails, as a disk that fills up does. */
    static final class FillingDisk implements FileSink {
        private final int good;
        private final AtomicInteger writes = new AtomicInteger();

        FillingDisk(int good) {
            this.good = good;
        }

        @Override
        public void write(Path file, byte[] bytes) throws IOException {
            if (writes.incrementAndGet() > good) {
                Files.createDirectories(file.getParent());
                Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
                throw new IOException("No space left on device");
            }
            FileSink.ATOMIC.write(file, bytes);
        }
    }

    @Test
    void diskFullWhileDrawingFiguresLeavesTheEarlierFigures() throws IOException {
        Path out = shared.resolve("disk-full-figures");
        writeEarlierRun(out);
        Map<String, String> before = snapshot(out);
        Run r = run(figures(tiny, out, "--text", "the cat chases the mouse", "--row-query", "2"),
                cl -> ((FiguresCommand) cl.getSubcommands().get("figures").getCommand()).sink = new FillingDisk(3));
        assertFailedWritingOnce(r, out.resolve("figures").toString());
        assertEquals(before, snapshot(out), "no figure of the failed run, no half-written file, no staging folder");

        Path fresh = shared.resolve("disk-full-figures-fresh");
        Run r2 = run(figures(tiny, fresh, "--text", "the cat chases the mouse"),
                cl -> ((FiguresCommand) cl.getSubcommands().get("figures").getCommand()).sink = new FillingDisk(0));
        assertFailedWritingOnce(r2, fresh.resolve("figures").toString());
        assertFalse(Files.exists(fresh), "a folder the failed run created is removed again");
    }

    @Test
    void diskFullWhileSavingTensorsLeavesTheEarlierSummary() throws IOException {
        Path out = shared.resolve("disk-full-inspect");
        writeEarlierRun(out);
        Map<String, String> before = snapshot(out);
        Run r = run(inspect(tiny, out, "--text", "the cat chases the mouse", "--save-tensors"),
                cl -> ((InspectCommand) cl.getSubcommands().get("inspect").getCommand()).sink = new FillingDisk(4));
        assertFailedWritingOnce(r, out.toString());
        assertEquals(before, snapshot(out), "summary.json and the tensors appear together or not at all");
    }

    @Test
    void diskFullWhileWritingTheLessonLeavesNothing() throws IOException {
        Path out = shared.resolve("disk-full-lesson");
        Run r = run(List.of("lesson", "--model", qwenTiny.toString(), "--out", out.toString(), "--device", "cpu"),
                cl -> ((LessonCommand) cl.getSubcommands().get("lesson").getCommand()).sink = new FillingDisk(6));
        assertFailedWritingOnce(r, out.toString());
        assertFalse(Files.exists(out), "no half-written lesson");
    }

    /**
     * The model ran (its progress lines come first); then exactly one error line, last, naming the
     * file that could not be written and the likely cause, with exit 4.
     */
    static void assertFailedWritingOnce(Run r, String where) {
        assertEquals(ExitCodes.INPUT, r.exit(), r.err());
        List<String> lines = r.err().strip().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("attnscope: could not write " + where), last);
        assertTrue(last.contains("(No space left on device): is the disk full"), last);
        assertTrue(last.contains("Nothing was written"), last);
        assertEquals(1, lines.stream().filter(l -> l.contains("could not write") || l.contains("Exception")
                || l.startsWith("\tat ")).count(), "one error line, no stack trace:\n" + r.err());
    }

    @Test
    void readOnlyOutputFolderIsRefusedBeforeTheModelRuns() throws IOException {
        Path parent = Files.createDirectories(shared.resolve("read-only"));
        Path existing = Files.createDirectories(shared.resolve("read-only-existing"));
        writeEarlierRun(existing);
        Map<String, String> before = snapshot(existing);
        try {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r-xr-xr-x"));
            Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("r-xr-xr-x"));
            // root writes anywhere: there is no read-only folder to test with.
            assumeFalse(Files.isWritable(parent), "running as root: permissions are not enforced");
            Run r = run(inspect(tiny, parent.resolve("out"), "--text", "the cat"));
            assertRefused(new Case("read-only parent", 4, "is not writable (permission denied)", null), r);
            assertFalse(Files.exists(parent.resolve("out")));
            Run r2 = run(figures(tiny, existing, "--text", "the cat"));
            assertRefused(new Case("read-only folder", 4, "is not writable (permission denied)", null), r2);
        } finally {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertEquals(before, snapshot(existing));
    }

    @Test
    void verboseAddsTheStackTrace() {
        Run r = runVerbose(inspect(shared.resolve("no-such-model"), shared.resolve("o"), "--text", "x", "--verbose"));
        assertEquals(4, r.exit());
        assertTrue(r.err().lines().findFirst().orElseThrow().contains("does not exist"), r.err());
        assertTrue(r.err().contains("\tat attnscope."), "--verbose shows where: " + r.err());
    }

    static Run runVerbose(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = AttnscopeCommand.newCommandLine(true);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args.toArray(String[]::new)), out.toString(), err.toString());
    }

    /** A command whose file write fails in a way no command foresaw. */
    @CommandLine.Command(name = "unforeseen")
    static final class UnforeseenWriteFailure implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new java.io.UncheckedIOException("cannot write chart.png: No space left on device",
                    new IOException("No space left on device"));
        }
    }

    @Test
    void anUnforeseenIoFailureIsAnInputProblemNotABug() {
        Run r = run(List.of("unforeseen"), cl -> cl.addSubcommand("unforeseen", new UnforeseenWriteFailure()));
        assertEquals(ExitCodes.INPUT, r.exit(), r.err());
        assertEquals("attnscope: cannot write chart.png: No space left on device; is the disk full or the folder read-only?",
                r.err().strip());
    }

    // ---- odd but valid text: accepted, and shown safely ----

    /**
     * Qwen2's vocabulary has "<script" (7734), "\"><" (3088), "../../" (2748) and "/" (14) as single
     * tokens: as --ids they label every figure, and in a passage they fill the lesson's tables.
     */
    @Test
    void tokenTextNeverBecomesAPathOrMarkup() throws IOException {
        Path out = shared.resolve("hostile-figures");
        Run r = run(figures(qwenTiny, out, "--ids", "7734,3088,2748,14", "--format", "png,svg", "--row-query", "2",
                "--size", "400"));
        assertEquals(0, r.exit(), r.err());
        try (Stream<Path> files = Files.walk(out)) {
            // attnscope's own bookkeeping (.attnscope-manifest) has a fixed name; every other file is a figure.
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !attnscope.output.OutputFolder.isOwnName(f.getFileName().toString())).toList()) {
                assertEquals(out.resolve("figures"), f.getParent(), f.toString());
                assertTrue(f.getFileName().toString().matches("(layer\\d\\d_(head\\d\\d|grid)|overview|row_layer\\d\\d_q\\d\\d)\\.(png|svg)"),
                        f.toString());
            }
        }
        String svg = Files.readString(out.resolve("figures/layer00_head00.svg"));
        assertFalse(svg.contains("<script"), "raw token text in the SVG");
        assertTrue(svg.contains("&lt;script") && svg.contains("&quot;&gt;&lt;"), "the tokens are shown, escaped");

        Path passage = Files.writeString(shared.resolve("hostile.txt"),
                "<script>alert(1)</script> \"><img src=x onerror=alert(1)> ../../etc/passwd it was tired\n");
        Path lesson = shared.resolve("hostile-lesson");
        Run l = run(List.of("lesson", "--model", qwenTiny.toString(), "--out", lesson.toString(), "--device", "cpu",
                "--text-file", passage.toString()));
        assertEquals(0, l.exit(), l.err());
        String html = Files.readString(lesson.resolve("index.html"));
        assertFalse(html.contains("<script") || html.contains("<img src=x") || html.contains("\"><img"), "raw token text in the page");
        try (Stream<Path> files = Files.walk(lesson)) {
            assertTrue(files.allMatch(f -> f.startsWith(lesson) && !f.toString().contains("passwd")));
        }
    }


    @Test
    void emojiMixedScriptsAndControlCharactersAreAcceptedAndShownAsCodes() throws IOException {
        String text = "😀 Привет 世界 مرحبا a\u0007b\u0000c \u001b[31mred\u001b[0m \u202Eevil";
        Path file = Files.writeString(shared.resolve("odd.txt"), text + "\n", StandardCharsets.UTF_8);
        Path out = shared.resolve("odd-out");
        Run r = run(inspect(qwenTiny, out, "--text-file", file.toString()));
        assertEquals(0, r.exit(), r.err());
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"passed\": true"), summary);
        // The token line on the terminal carries no raw escape or direction override: they print as codes.
        String tokenLine = r.out().lines().filter(l -> l.startsWith("tokens")).findFirst().orElseThrow();
        assertFalse(tokenLine.chars().anyMatch(ch -> ch == 0x1b || ch == 0x202E || ch == 0 || ch == 7), tokenLine);
    }

    // ---- helpers for building broken model folders ----

    @FunctionalInterface
    interface Edit {
        void apply(Path modelDir) throws IOException;
    }

    /** A copy of a model folder in {@code scratch}, changed by {@code edit}. */
    static Path copy(Path model, Path scratch, Edit edit) throws IOException {
        Path dir = scratch.resolve("model");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.sorted(Comparator.naturalOrder()).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        edit.apply(dir);
        return dir;
    }

    static void delete(Path p) throws IOException {
        Files.delete(p);
    }

    static void write(Path p, String text) throws IOException {
        Files.writeString(p, text);
    }

    static void write(Path p, byte[] bytes) throws IOException {
        Files.write(p, bytes);
    }

    static void copyFile(Path from, Path to) throws IOException {
        Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Keeps the first {@code fraction} of the file, as an interrupted download does. */
    static void truncate(Path p, double fraction) throws IOException {
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, (int) (b.length * fraction)));
    }

    static void editConfig(Path model, String from, String to) throws IOException {
        Path config = model.resolve("config.json");
        String text = Files.readString(config);
        assertTrue(text.contains(from), "config.json holds " + from + ": " + text);
        Files.writeString(config, text.replace(from, to));
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
