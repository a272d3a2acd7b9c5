package attnscope.report;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.testing.Cli.Run;
import attnscope.testing.TestAssets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The explorer page as the commands write it: `figures --html` and the lesson, on a synthetic model with the real tokenizer. */
class ExplorerCommandsTest {
    @TempDir
    static Path shared;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = SyntheticModelWriter.write(SynthSpec.tiny().vocab(151936).build(), shared.resolve("tiny"), TestAssets.qwen2Tokenizer(), null);
    }

    private static JsonNode model(Path page) throws Exception {
        Matcher m = Pattern.compile("id=\"explorer-data\">(.*?)</script>", Pattern.DOTALL).matcher(Files.readString(page));
        assertTrue(m.find(), "the page carries its data");
        return new ObjectMapper().readTree(m.group(1)).get("sources").get(0);
    }

    @Test
    void figuresHtmlWritesThePageOfTheDrawnLayers(@TempDir Path dir) throws Exception {
        String text = "The animal didn't cross </script><b>the street";
        Path out = dir.resolve("with");
        Run r = run("figures", "--model", model.toString(), "--text", text, "--out", out.toString(), "--html", "--layers", "1");
        assertEquals(0, r.exit(), r.err());
        Path page = out.resolve(ExplorerPage.FILE);
        assertTrue(Files.isRegularFile(page), r.out());
        assertTrue(r.out().contains("explorer " + page), r.out());
        JsonNode m = model(page);
        assertEquals("[1]", m.get("layers").toString(), "only the drawn layer");
        assertEquals(4, m.get("heads").asInt());
        assertEquals(2, m.get("kvHeads").asInt());
        assertEquals(4, m.get("patterns").size());
        StringBuilder joined = new StringBuilder();
        m.get("tokens").forEach(t -> joined.append(t.asText()));
        assertTrue(joined.toString().contains("</script><b>"), "the hostile text travels as data: " + joined);
        assertTrue(m.get("checks").size() > 0, "the checks' verdicts are in the page");
        assertFalse(Files.readString(page).contains("<b>"), "and never as markup");

        Path without = dir.resolve("without");
        assertEquals(0, run("figures", "--model", model.toString(), "--text", text, "--out", without.toString()).exit());
        assertFalse(Files.exists(without.resolve(ExplorerPage.FILE)), "the page is written when asked for");

        // A rerun on another text without --html removes the earlier run's page (it would show the old
        // text beside the new figures); a page of the user's own, which attnscope did not write, stays.
        assertEquals(0, run("figures", "--model", model.toString(), "--text", "another text", "--out", out.toString(),
                "--layers", "1").exit());
        assertFalse(Files.exists(page), "an out-of-date explorer.html is not left beside new figures");
        Files.writeString(without.resolve(ExplorerPage.FILE), "mine");
        assertEquals(0, run("figures", "--model", model.toString(), "--text", "another text", "--out", without.toString()).exit());
        assertEquals("mine", Files.readString(without.resolve(ExplorerPage.FILE)), "the user's file is left alone");
    }

    @Test
    void theLessonWritesThePageAndLinksIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("lesson");
        Run r = run("lesson", "--model", model.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.readString(out.resolve("index.html")).contains("<a href=\"explorer.html\">"), "index.html links the explorer");
        assertTrue(Files.readString(out.resolve("lesson.md")).contains("](explorer.html)"), "lesson.md links it too");
        JsonNode m = model(out.resolve(ExplorerPage.FILE));
        assertEquals(2, m.get("layers").size(), "every layer of the passage");
        assertTrue(m.get("tokens").size() > 30, "the passage's tokens: " + m.get("tokens").size());
    }
}
