package attnscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import attnscope.inspect.InspectionResult;
import attnscope.render.RenderFixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FiguresCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = AttnscopeCommand.newCommandLine(false);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** The command as parsed from {@code args}, ready for {@link FiguresCommand#drawFigures}. */
    private FiguresCommand parsed(String... args) {
        CommandLine cl = AttnscopeCommand.newCommandLine(false);
        cl.parseArgs(args);
        return cl.getSubcommands().get("figures").getCommand();
    }

    private static InspectionResult animal() {
        return RenderFixtures.inspection(RenderFixtures.config(2, 4, 2, true), RenderFixtures.ANIMAL_TOKENS, true, 11);
    }

    /** figures replaces OUT/figures whole: into a lesson's folder it would take away the figures index.html shows. */
    @Test
    void refusesTheFolderOfALessonAndLeavesItAlone() throws Exception {
        Path model = attnscope.synth.SyntheticModelWriter.write(attnscope.synth.SynthSpec.tiny().build(), tmp.resolve("tiny"), null, null);
        Path lesson = Files.createDirectories(tmp.resolve("lesson/figures"));
        Files.writeString(tmp.resolve("lesson/" + attnscope.lesson.Lesson.MARKER), "written by attnscope lesson\n");
        Files.writeString(lesson.resolve("toy_weights.png"), "png");
        int code = run("figures", "--model", model.toString(), "--text", "the cat", "--out", tmp.resolve("lesson").toString(), "--html");
        assertEquals(4, code, err.toString());
        assertTrue(err.toString().contains("holds a lesson"), err.toString());
        assertEquals("png", Files.readString(lesson.resolve("toy_weights.png")), "the lesson's figure is untouched");
        assertFalse(Files.exists(tmp.resolve("lesson/explorer.html")));
    }

    /** The whole command on a real graph: a synthetic Qwen2 model read through ONNX Runtime, real tokenizer. */
    @Test
    void drawsEveryFigureOfAModelEndToEnd() throws Exception {
        Path model = attnscope.synth.SyntheticModelWriter.write(attnscope.synth.SynthSpec.tiny().vocab(151936).build(),
                tmp.resolve("tiny"), attnscope.testing.TestAssets.qwen2Tokenizer(), null);
        Path dir = tmp.resolve("out");
        int code = run("figures", "--model", model.toString(), "--text", "The animal didn't cross the street because it was tired.",
                "--out", dir.toString(), "--row-query", "it", "--format", "png,svg");
        assertEquals(0, code, err.toString());
        for (String name : List.of("layer00_head00", "layer01_head03", "layer00_grid", "layer01_grid", "overview", "row_layer00_q08")) {
            assertTrue(Files.isRegularFile(dir.resolve("figures/" + name + ".png")), name + ".png; stdout: " + out);
            assertTrue(Files.isRegularFile(dir.resolve("figures/" + name + ".svg")), name + ".svg");
        }
        assertTrue(Files.readString(dir.resolve("figures/overview.svg")).contains("SYNTHETIC MODEL"), "synthetic label on the figure");
        assertTrue(out.toString().contains("(query 8 "), "\"it\" is token 8 of the Qwen2 tokenization; " + out);
        assertEquals(4, run("figures", "--model", tmp.resolve("missing").toString(), "--text", "x", "--out", dir.toString()));
    }

    /** A model whose mask lets each token see the next one: inspect exits 3, and so must figures (issue 17). */
    @Test
    void failedChecksExitThreeAndAreNamedWhileTheFiguresAreStillWritten() throws Exception {
        Path model = attnscope.synth.SyntheticModelWriter.write(attnscope.synth.SynthSpec.tiny().seed(7)
                .fault(attnscope.synth.SynthSpec.Fault.FUTURE_VISIBLE_MASK).build(), tmp.resolve("leaky"), null, null);
        Path dir = tmp.resolve("out");
        int code = run("figures", "--model", model.toString(), "--ids", "1,2,3,4,5,6", "--out", dir.toString());
        assertEquals(3, code, err.toString());
        assertTrue(err.toString().contains("checks FAILED"), err.toString());
        assertTrue(err.toString().contains(", causal: query 0 puts weight"), "names the failed check: " + err);
        assertTrue(Files.isRegularFile(dir.resolve("figures/layer00_head00.png")), "the figures show the truth all the same");
        out.getBuffer().setLength(0);
        assertEquals(0, run("figures", "--help"));
        assertTrue(out.toString().contains("3 when one fails"), "--help says so: " + out);
    }

    /** Issue 17: `--format svg` listed layer00_head00.png, which does not exist; `--row-query ""` picked a space token. */
    @Test
    void theListedFilesExistAndAnEmptyRowQueryIsAUsageError() throws Exception {
        FiguresCommand cmd = parsed("figures", "--model", "m", "--text", "x", "--out", tmp.toString(), "--size", "600",
                "--format", "svg", "--row-query", "it");
        StringWriter stdout = new StringWriter();
        assertEquals(0, cmd.drawFigures(animal(), cmd.options(), new PrintWriter(stdout), new PrintWriter(new StringWriter())));
        List<String> listed = stdout.toString().lines().skip(1).map(l -> l.strip().split("\\s+")[1]).toList();
        assertEquals(4, listed.size(), stdout.toString());
        for (String f : listed) {
            assertTrue(Files.isRegularFile(Path.of(f)), "listed but missing: " + f + "\n" + stdout);
        }
        FiguresCommand empty = parsed("figures", "--model", "m", "--text", "x", "--out", tmp.resolve("e").toString(), "--row-query", "");
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> empty.drawFigures(animal(), empty.options(), new PrintWriter(out), new PrintWriter(err)));
        assertTrue(e.getMessage().contains("--row-query needs a position (8) or a token's text (it), not an empty text"), e.getMessage());
        assertEquals(2, run("lesson", "--row-query", "", "--out", tmp.resolve("l").toString()));
        assertTrue(err.toString().contains("not an empty text"), err.toString());
    }

    @Test
    void helpTeachesTheFiguresAndOptions() {
        assertEquals(0, run("figures", "--help"));
        String help = out.toString();
        assertTrue(help.contains("layer{LL}_head{HH}.png"), help);
        assertTrue(help.contains("--row-query") && help.contains("--scale") && help.contains("--format"), help);
        assertTrue(help.contains("Examples"), help);
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        assertEquals(2, run("figures", "--model", "m", "--text", "x", "--out", tmp.toString(), "--scale", "sqrt"));
        assertTrue(err.toString().contains("Expected a colour scale linear, log or row but found \"sqrt\""), err.toString());
        assertEquals(2, run("figures", "--model", "m", "--text", "x", "--out", tmp.toString(), "--format", "png,gif"));
        assertEquals(2, run("figures", "--model", "m", "--text", "x", "--out", tmp.toString(), "--size", "10"));
        assertEquals(2, run("figures", "--model", "m", "--out", tmp.toString()));
        assertEquals(2, run("figures", "--model", "m", "--text", "x", "--ids", "1,2", "--out", tmp.toString()));
    }

    @Test
    void drawsTheChosenLayersAndTheRowView() throws Exception {
        FiguresCommand cmd = parsed("figures", "--model", "m", "--text", "x", "--out", tmp.toString(), "--layers", "1",
                "--row-query", "it", "--row-heads", "0,3", "--size", "600", "--format", "png,svg");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = cmd.drawFigures(animal(), cmd.options(), new PrintWriter(stdout), new PrintWriter(stderr));
        assertEquals(0, code);
        Path figures = tmp.resolve("figures");
        for (String name : List.of("layer01_head00", "layer01_head03", "layer01_grid", "overview", "row_layer01_q08")) {
            assertTrue(Files.isRegularFile(figures.resolve(name + ".png")), name);
            assertTrue(Files.isRegularFile(figures.resolve(name + ".svg")), name);
        }
        assertFalse(Files.exists(figures.resolve("layer00_head00.png")), "layer 0 not asked for");
        try (Stream<Path> files = Files.list(figures)) {
            assertEquals(2 * 7, files.count());
        }
        assertTrue(stdout.toString().startsWith("wrote 14 figures to " + figures), stdout.toString());
        assertTrue(stderr.toString().contains("synthetic model"), stderr.toString());
    }

    @Test
    void rowQueryHeadsAndLayersMustExist() {
        String[] base = {"figures", "--model", "m", "--text", "x", "--out", tmp.toString(), "--size", "600"};
        FiguresCommand noToken = parsed(concat(base, "--row-query", "zebra"));
        assertThrows(CommandLine.ParameterException.class,
                () -> noToken.drawFigures(animal(), noToken.options(), new PrintWriter(out), new PrintWriter(err)));
        FiguresCommand noHead = parsed(concat(base, "--row-query", "8", "--row-heads", "4"));
        // A head the model lacks is an input problem (exit 4), as a layer it lacks is.
        InputException e = assertThrows(InputException.class,
                () -> noHead.drawFigures(animal(), noHead.options(), new PrintWriter(out), new PrintWriter(err)));
        assertEquals("--row-heads: head 4 does not exist; the model has 4 heads (0..3)", e.getMessage());
        FiguresCommand noLayer = parsed(concat(base, "--layers", "0,5"));
        assertThrows(CommandLine.ParameterException.class,
                () -> noLayer.drawFigures(animal(), noLayer.options(), new PrintWriter(out), new PrintWriter(err)));
        assertFalse(Files.exists(tmp.resolve("figures")), "nothing drawn before the options are known to be good");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
