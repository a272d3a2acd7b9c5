package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The toy and shapes commands as a user meets them: exit codes, one-line messages, files written. */
class ToyCliTest {
    @TempDir
    Path tmp;

    private Run usageError(String... args) {
        Run r = run(args);
        assertEquals(ExitCodes.USAGE, r.exit(), "exit code for " + String.join(" ", args) + "; stderr: " + r.err());
        assertOneClearLine(r);
        return r;
    }

    private static void assertOneClearLine(Run r) {
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("attnscope: "), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
        assertTrue(r.err().lines().count() <= 2, "one line (plus the --help hint): " + r.err());
    }

    @Test
    void handoutRunsAndWritesItsFigures() {
        Run r = run("toy", "--out", tmp.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("2*1 + 3*0 = 2"), r.out());
        assertTrue(r.out().contains("[2.25, 1.125]  ← output"), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("handout_weights.png")));
        assertTrue(Files.isRegularFile(tmp.resolve("handout_vectors.png")));
        assertEquals(0, run("toy", "handout", "--no-figures").exit());
    }

    @Test
    void malformedVectorsAreUsageErrors() {
        Run notNumber = usageError("toy", "--query", "2,x", "--no-figures");
        assertTrue(notNumber.err().contains("\"x\" is not a number"), notNumber.err());
        Run empty = usageError("toy", "--query", "2,,3", "--no-figures");
        assertTrue(empty.err().contains("empty entry 2"), empty.err());
        Run nan = usageError("toy", "--query", "NaN,1", "--no-figures");
        assertTrue(nan.err().contains("\"NaN\" is not a number"), nan.err());
    }

    @Test
    void mismatchedLengthsAreUsageErrors() {
        Run longQuery = usageError("toy", "--query", "1,2,3", "--no-figures");
        assertTrue(longQuery.err().contains("has 2 numbers but the query has 3"), longQuery.err());
        Run raggedKeys = usageError("toy", "--keys", "1,0;3;0,3;2,0", "--no-figures");
        assertTrue(raggedKeys.err().contains("row 1 has 1 numbers but row 0 has 2"), raggedKeys.err());
        Run fewValues = usageError("toy", "--values", "0,0;4,1", "--no-figures");
        assertTrue(fewValues.err().contains("one value per token (4 tokens) but found 2"), fewValues.err());
        Run tokens = usageError("toy", "--tokens", "a,b", "--no-figures");
        assertTrue(tokens.err().contains("one key per token (2 tokens) but found 4"), tokens.err());
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        usageError("toy", "--normalize", "max", "--no-figures");
        usageError("toy", "--target", "cat", "--no-figures");
        usageError("toy", "--target", "the:0.9", "--no-figures"); // "the" is ambiguous
        usageError("toy", "--target", "cat:2", "--no-figures");
        usageError("toy", "--split", "cat", "--no-figures");
        usageError("toy", "explain", "9", "0");
        usageError("toy", "explain", "x", "0");
        usageError("toy", "causal", "--scores", "1,2;3", "--no-figures");
        usageError("shapes", "--tokens", "0", "--no-figures");
        usageError("shapes", "--num-heads", "5", "--no-figures");
        usageError("shapes", "--tokens", "fifty", "--no-figures");
    }

    @Test
    void badFilesAreInputErrorsNamingTheLine() throws Exception {
        Run missing = run("toy", "--input", tmp.resolve("nope.txt").toString(), "--no-figures");
        assertEquals(ExitCodes.INPUT, missing.exit());
        assertOneClearLine(missing);
        Path bad = tmp.resolve("bad.txt");
        Files.writeString(bad, "tokens = a b\nquery = 1 2\nkeys = 1 0; 0 one\nvalues = 1; 2\n");
        Run r = run("toy", "--input", bad.toString(), "--no-figures");
        assertEquals(ExitCodes.INPUT, r.exit(), r.err());
        assertOneClearLine(r);
        assertTrue(r.err().contains("bad.txt:3: keys row 1: \"one\" is not a number"), r.err());
        Path noEquals = tmp.resolve("noeq.txt");
        Files.writeString(noEquals, "tokens a b\n");
        Run r2 = run("toy", "matrix", "--input", noEquals.toString(), "--no-figures");
        assertEquals(ExitCodes.INPUT, r2.exit());
        assertTrue(r2.err().contains("noeq.txt:1: expected `name = value`"), r2.err());
    }

    @Test
    void anExampleOfAnotherKindIsNamed() throws Exception {
        Path heads = tmp.resolve("heads.txt");
        try (var in = getClass().getResourceAsStream("/examples/toy/heads.txt")) {
            Files.write(heads, in.readAllBytes());
        }
        Run r = run("toy", "matrix", "--input", heads.toString(), "--no-figures");
        assertEquals(ExitCodes.INPUT, r.exit());
        assertTrue(r.err().contains("is a \"heads\" example (kind = heads): run `attnscope toy heads --input"), r.err());
        assertEquals(0, run("toy", "heads", "--input", heads.toString(), "--no-figures").exit());
    }

    @Test
    void searchPrintsTheQueryAndTheProof() {
        Run r = run("toy", "--target", "cat:0.9", "--no-figures");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Goal: more than 0.9 of the weight on position 1 (\"cat\") with softmax"), r.out());
        assertTrue(r.out().contains("Found: query"), r.out());
        Run split = run("toy", "--split", "cat,chases", "--json", "--no-figures");
        assertEquals(0, split.exit(), split.err());
        assertTrue(split.out().contains("\"satisfied\" : true"), split.out());
    }

    @Test
    void everyExampleRuns() {
        for (String example : new String[] {"self-attention", "matrix", "causal", "heads"}) {
            Run r = run("toy", example, "--out", tmp.toString());
            assertEquals(0, r.exit(), example + ": " + r.err());
            Run json = run("toy", example, "--json", "--no-figures");
            assertTrue(json.out().strip().startsWith("{"), example + " --json: " + json.out());
        }
        for (String png : new String[] {"self_attention_weights.png", "matrix_weights.png", "matrix_weights_scaled.png",
            "causal_weights.png", "heads_weights.png"}) {
            assertTrue(Files.isRegularFile(tmp.resolve(png)), png);
        }
        Run explain = run("toy", "explain", "3", "1", "--out", tmp.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("explain_3_1.png")));
        assertEquals(0, explain.exit());
        assertTrue(explain.out().contains("takes 49.8 % of its output"), explain.out());
    }

    @Test
    void wrongSlideNumbersFailTheCheck() throws Exception {
        Path slide = tmp.resolve("slide.txt");
        try (var in = getClass().getResourceAsStream("/examples/toy/causal-slide.txt")) {
            Files.write(slide, in.readAllBytes());
        }
        Run r = run("toy", "causal", "--input", slide.toString(), "--no-figures");
        assertEquals(ExitCodes.CHECK_FAILED, r.exit());
        assertTrue(r.out().contains("WRONG: sums to 1.02, not 1"), r.out());
        Run ok = run("toy", "causal", "--token-text", "a,b", "--scores", "0,5;0,0", "--slide-weights", "1,0;0.5,0.5", "--no-figures");
        assertEquals(ExitCodes.OK, ok.exit(), ok.out());
    }

    @Test
    void figuresAreByteIdenticalAcrossRuns() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        for (Path dir : new Path[] {a, b}) {
            assertEquals(0, run("toy", "--out", dir.toString()).exit());
            assertEquals(0, run("toy", "matrix", "--out", dir.toString()).exit());
            assertEquals(0, run("shapes", "--out", dir.toString()).exit());
        }
        for (String png : new String[] {"handout_weights.png", "handout_vectors.png", "matrix_weights.png", "memory_vs_tokens.png"}) {
            byte[] first = Files.readAllBytes(a.resolve(png));
            assertTrue(first.length > 1000 && first[1] == 'P' && first[2] == 'N' && first[3] == 'G', png);
            assertArrayEquals(first, Files.readAllBytes(b.resolve(png)), png + " differs between runs");
        }
        // A different input gives a different figure (the comparison above can fail), under a name of its own.
        assertEquals(0, run("toy", "--query", "1,0", "--out", b.toString()).exit());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve("handout_weights.png")),
                Files.readAllBytes(b.resolve("handout_weights-query=1,0.png"))));
        assertArrayEquals(Files.readAllBytes(a.resolve("handout_weights.png")), Files.readAllBytes(b.resolve("handout_weights.png")),
                "the run with --query 1,0 must not overwrite the handout's figure");
    }

    @Test
    void everyShippedExampleCanBePrintedEditedAndRun() throws Exception {
        Run list = run("toy", "examples");
        assertEquals(0, list.exit());
        for (String name : attnscope.toy.ToyInput.BUILT_IN) {
            assertTrue(list.out().contains(name), list.out());
            Run printed = run("toy", "examples", name);
            assertEquals(0, printed.exit());
            Path file = tmp.resolve(name + ".txt");
            Files.writeString(file, printed.out());
            String kind = attnscope.toy.ToyInput.parse(name, printed.out()).text("kind");
            Run r = kind.equals("handout") ? run("toy", "--input", file.toString(), "--no-figures")
                    : run("toy", kind, "--input", file.toString(), "--no-figures");
            assertEquals(name.equals("causal-slide") ? ExitCodes.CHECK_FAILED : ExitCodes.OK, r.exit(), name + ": " + r.err());
        }
        usageError("toy", "examples", "nope");
    }

    @Test
    void helpTeaches() {
        Run r = run("toy", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("--target cat:0.9") && r.out().contains("self-attention") && r.out().contains("explain"), r.out());
        assertEquals(0, run("shapes", "--help").exit());
    }

    /**
     * Issue 17: 1e308 printed "undefined" for every weight and "every token loses" (with "defined": true
     * in the JSON), or ended in "internal error: Require 'x2' (NaN) to be finite" after writing a PNG;
     * a 10,000-token input ran 200 s into an OutOfMemoryError. Both are refused before anything is written.
     */
    @Test
    void hugeNumbersAndHugeInputsAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path figures = tmp.resolve("figures");
        Run option = usageError("toy", "--query", "1e308,1e308", "--figures", figures.toString());
        assertTrue(option.err().contains("query: 1e308 is too large for the toy (at most 1000000 in size"), option.err());
        Run json = usageError("toy", "--query", "2,3", "--keys", "1e7,0;3,1;0,3;2,0", "--json");
        assertEquals("", json.out(), "no JSON claiming \"defined\": true");

        Path file = Files.writeString(tmp.resolve("big.txt"), "kind = matrix\ntokens = the cat chases the\n"
                + "queries = 1e308 0; 0 1; 3 0; 2 3\nkeys = 1e308 0; 3 1; 0 3; 2 0\nvalues = 0 0; 4 1; 2 2; 0 0\n");
        Run matrix = run("toy", "matrix", "--input", file.toString(), "--figures", figures.toString());
        assertEquals(ExitCodes.INPUT, matrix.exit(), matrix.err());
        assertOneClearLine(matrix);
        assertTrue(matrix.err().contains("big.txt:3: queries row 0: 1e308 is too large for the toy"), matrix.err());
        assertFalse(Files.exists(figures), "no figure of a refused input");

        String many = String.join(" ", java.util.Collections.nCopies(10_000, "tok"));
        Path long_ = Files.writeString(tmp.resolve("long.txt"), "kind = matrix\ntokens = " + many + "\nqueries = 1 0\nkeys = 1 0\n"
                + "values = 1 0\n");
        Run longRun = run("toy", "matrix", "--input", long_.toString(), "--figures", figures.toString());
        assertEquals(ExitCodes.INPUT, longRun.exit(), longRun.err());
        assertTrue(longRun.err().contains("10000 tokens, more than the toy's 64"), longRun.err());
        assertFalse(Files.exists(figures));
    }

    /** Issue 17: `kind = bogus` advised `attnscope toy bogus` (itself a usage error); --keys errors were blamed on handout.txt. */
    @Test
    void messagesNameWhatIsWrongAndWhereItCameFrom() throws Exception {
        Path bogus = Files.writeString(tmp.resolve("bogus.txt"), "kind = bogus\ntokens = a b\n");
        Run r = run("toy", "--input", bogus.toString(), "--no-figures");
        assertEquals(ExitCodes.INPUT, r.exit(), r.err());
        assertTrue(r.err().contains("kind = bogus is not a kind of example; expected one of handout, self-attention, matrix, causal, heads"),
                r.err());
        assertFalse(r.err().contains("toy bogus"), r.err());
        Run keys = usageError("toy", "--keys", "1,0;x", "--no-figures");
        assertTrue(keys.err().startsWith("attnscope: --keys row 1: \"x\" is not a number"), keys.err());
        assertFalse(keys.err().contains("handout.txt"), keys.err());
        Path handout = Files.writeString(tmp.resolve("mine.txt"), ToyInputBuiltIn.HANDOUT);
        Run fromFile = usageError("toy", "--input", handout.toString(), "--values", "0,0;y", "--no-figures");
        assertTrue(fromFile.err().contains("--values row 1: \"y\" is not a number"), fromFile.err());
    }

    /** The shipped handout file's text. */
    static final class ToyInputBuiltIn {
        static final String HANDOUT = attnscope.toy.ToyInput.builtInText("handout");
    }

    /** Probe cases of our own: a device or folder given as --input, numbers too small to print, a score too small for four decimals. */
    @Test
    void oddFilesAndTinyNumbersAreNamedNotMisprinted() {
        Run dev = run("toy", "--input", "/dev/null", "--no-figures");
        assertEquals(ExitCodes.INPUT, dev.exit(), dev.err());
        assertTrue(dev.err().contains("/dev/null is not a regular file (a device or a pipe)"), dev.err());
        Run dir = run("toy", "--input", tmp.toString(), "--no-figures");
        assertTrue(dir.err().contains(" is a folder, not an example file"), dir.err());
        Run tiny = usageError("toy", "--query", "1e-300,1e-300", "--no-figures");
        assertTrue(tiny.err().contains("--query: 1e-300 is too small for the toy"), tiny.err());
        // 0.0001 × 0.0001 = 1e-8: written in scientific notation, never as "0 ÷ 0 = 0.5000".
        Run small = run("toy", "--query", "0.0001,0", "--keys", "0.0001,0;0.0001,0;1,0;1,0", "--no-figures");
        assertEquals(0, small.exit(), small.err());
        assertTrue(small.out().contains("0.0001*0.0001 + 0*0 = 1.000e-08"), small.out());
        assertFalse(small.out().contains(" 0 ÷ "), small.out());
    }
}
