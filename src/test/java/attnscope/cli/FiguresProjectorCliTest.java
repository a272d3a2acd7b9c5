package attnscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `figures` in projector mode (--aspect, --window) and on long texts, on a synthetic Qwen2 graph. */
class FiguresProjectorCliTest {
    @TempDir
    static Path tmp;

    static Path model;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void writeModel() {
        model = attnscope.synth.SyntheticModelWriter.write(attnscope.synth.SynthSpec.tiny().vocab(151936).maxPositions(4096)
                .build(), tmp.resolve("tiny"), attnscope.testing.TestAssets.qwen2Tokenizer(), null);
    }

    private int run(String... args) {
        CommandLine cl = AttnscopeCommand.newCommandLine(false);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void projectorFiguresAreLandscapeAndCropToTheWindow() throws Exception {
        Path dir = tmp.resolve("projector");
        int code = run("figures", "--model", model.toString(), "--text", "The animal didn't cross the street because it was tired.",
                "--out", dir.toString(), "--aspect", "4:3", "--window", "2:9", "--row-query", "it", "--row-heads", "0,3");
        assertEquals(0, code, err.toString());
        for (String name : new String[] {"layer00_head00", "layer01_grid", "overview", "row_layer00_q08"}) {
            BufferedImage image = ImageIO.read(dir.resolve("figures/" + name + ".png").toFile());
            assertEquals(1440, image.getWidth(), name);
            assertEquals(1080, image.getHeight(), name);
        }
    }

    @Test
    void badProjectorOptionsAreUsageErrorsBeforeTheModelRuns() {
        assertEquals(2, run("figures", "--model", model.toString(), "--text", "x", "--out", tmp.resolve("a").toString(),
                "--aspect", "21:9"));
        assertTrue(err.toString().contains("Expected --aspect 16:9 or 4:3"), err.toString());
        assertEquals(2, run("figures", "--model", model.toString(), "--text", "x", "--out", tmp.resolve("b").toString(),
                "--window", "5"));
        assertEquals(2, run("figures", "--model", model.toString(), "--text", "a short text", "--out",
                tmp.resolve("c").toString(), "--window", "40:60"));
        assertTrue(err.toString().contains("starts past the text's"), err.toString());
        assertTrue(!err.toString().contains("captured"), "refused before the model ran: " + err);
    }

    /** Issue 17: 1,300 tokens and more used to end in "no room for 1300×1300 cells" after the whole run. */
    @Test
    void aLongTextDrawsEveryFigure() throws Exception {
        Path text = tmp.resolve("long.txt");
        StringBuilder sb = new StringBuilder();
        String[] words = {"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran"};
        for (int i = 0; i < 1500; i++) {
            sb.append(words[(i * 7 + i / 9) % words.length]).append(' ');
        }
        Files.writeString(text, sb.toString());
        Path dir = tmp.resolve("long");
        int code = run("figures", "--model", model.toString(), "--text-file", text.toString(), "--out", dir.toString(),
                "--layers", "0", "--row-query", "3", "--row-heads", "1");
        assertEquals(0, code, err.toString());
        BufferedImage head = ImageIO.read(dir.resolve("figures/layer00_head00.png").toFile());
        assertEquals(1600, head.getWidth());
        assertTrue(Files.isRegularFile(dir.resolve("figures/overview.png")));
        assertTrue(Files.isRegularFile(dir.resolve("figures/row_layer00_q03.png")));
    }
}
