package attnscope.lesson;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.cli.ExitCodes;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.testing.Cli.Run;
import attnscope.testing.HeadlessChromium;
import attnscope.testing.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lesson end to end, through the CLI, on synthetic models with the real Qwen2 tokenizer. */
class LessonCommandTest {
    @TempDir
    static Path shared;
    static Path model;

    @BeforeAll
    static void writeModel() {
        // Tiny geometry, real tokenizer: real token labels, quick to run.
        model = SyntheticModelWriter.write(SynthSpec.tiny().vocab(151936).build(), shared.resolve("tiny"),
                TestAssets.qwen2Tokenizer(), null);
    }

    @Test
    void writesHtmlAndMarkdownWhoseFiguresAllLoadInChromium(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("lesson");
        Run r = run("lesson", "--model", model.toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        String html = Files.readString(out.resolve("index.html"));
        String md = Files.readString(out.resolve("lesson.md"));
        for (String section : List.of("1. The handout", "2. The same formula, real dimensions", "3. The toy sentence through the real tokenizer",
                "4. The shapes, checked", "5. Heads worth discussing", "6. The complexity question")) {
            assertTrue(html.contains(section), section);
            assertTrue(md.contains(section), section);
        }
        // The real tokenizer splits "chases"; the report states it from the tokens it got.
        assertTrue(html.contains("becomes 5 tokens"), "the toy sentence through the real tokenizer");
        assertTrue(html.contains("␣ch + ases"));
        // The toy's words line up with the real tokens: "chases" with ␣ch, and ases continues it.
        assertTrue(md.contains("| chases / ␣ch | 49.8 % |"), "toy word on the row of its first token");
        assertTrue(md.contains("| + ases |  |"), "the continuation token has no toy weight");
        assertTrue(md.contains("| the / ␣the | 0.3 % |"), "the query's own key lines up with the real last token");
        // The handout's computed output vector appears in the toy table.
        assertTrue(html.contains("[2.25, 1.125]"));
        assertTrue(html.contains("checks passed"));
        assertFalse(html.contains("class=\"banner\""), "an explicit --model gets no stand-in banner");
        assertTrue(r.out().contains("(SYNTHETIC model: random weights)") && !r.out().contains("stand-in"),
                "a synthetic --model is not called a stand-in: " + r.out());

        assertTrue(HeadlessChromium.available(), "chromium missing: run scripts/test-assets.sh");
        HeadlessChromium.PageCheck page = HeadlessChromium.check(out.resolve("index.html"), dir);
        assertTrue(page.images() >= 10, "figures in the page: " + page.images());
        assertEquals(List.of(), page.broken(), "every figure must load in a real browser");
        assertEquals(page.images(), page.loaded());

        // Markdown names the same figures, and each exists.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("!\\[[^]]*]\\(([^)]+)\\)").matcher(md);
        int figures = 0;
        while (m.find()) {
            assertTrue(Files.isRegularFile(out.resolve(m.group(1))), m.group(1));
            figures++;
        }
        assertEquals(page.images(), figures);

        // Written again: byte-identical.
        String before = html;
        byte[] overview = Files.readAllBytes(out.resolve("figures/overview.png"));
        assertEquals(ExitCodes.OK, run("lesson", "--model", model.toString(), "--out", out.toString()).exit());
        assertEquals(before, Files.readString(out.resolve("index.html")));
        assertTrue(java.util.Arrays.equals(overview, Files.readAllBytes(out.resolve("figures/overview.png"))));
    }

    @Test
    void aFailedCheckIsOnTheFirstScreenNotOnlyInSection4(@TempDir Path dir) throws Exception {
        Path leaking = SyntheticModelWriter.write(SynthSpec.tiny().vocab(151936).fault(SynthSpec.Fault.FUTURE_VISIBLE_MASK).build(),
                dir.resolve("leaking"), TestAssets.qwen2Tokenizer(), null);
        Path out = dir.resolve("lesson");
        Run r = run("lesson", "--model", leaking.toString(), "--out", out.toString(), "--layers", "0");
        assertEquals(ExitCodes.CHECK_FAILED, r.exit(), r.err());
        for (String page : List.of("index.html", "lesson.md")) {
            String text = Files.readString(out.resolve(page));
            int failure = text.indexOf("checks FAILED: this model");
            assertTrue(failure > 0, page + ": no failure notice at the top");
            assertTrue(failure < text.indexOf("1. The handout"), page + ": the notice comes before the first section");
        }
        assertTrue(Files.readString(out.resolve("index.html")).contains("class=\"banner\""), "shown as a banner");
    }

    @Test
    void refusesAFolderItDidNotWriteAndLeavesItAlone(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("mine");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "my notes");
        Run r = run("lesson", "--model", model.toString(), "--out", out.toString());
        assertEquals(ExitCodes.INPUT, r.exit());
        assertTrue(r.err().contains("already holds files that attnscope lesson did not write"), r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("attnscope:")).count(), r.err());
        try (var s = Files.list(out)) {
            assertEquals(List.of(out.resolve("notes.txt")), s.toList());
        }
    }

    @Test
    void aFolderWrittenByFiguresIsNotCalledTheUsersOwn(@TempDir Path dir) throws Exception {
        // Every file listed in attnscope's manifest: "files that attnscope did not write" would be untrue.
        Path out = Files.createDirectories(dir.resolve("figures-run"));
        Files.writeString(out.resolve(attnscope.output.OutputFolder.MANIFEST), "# files written by attnscope\nexplorer.html\n");
        Files.writeString(out.resolve("explorer.html"), "<!DOCTYPE html>");
        attnscope.InputException e = org.junit.jupiter.api.Assertions.assertThrows(attnscope.InputException.class,
                () -> Lesson.checkOutput(out));
        assertFalse(e.getMessage().contains("files that attnscope did not write"), e.getMessage());
        assertTrue(e.getMessage().contains("another command's output"), e.getMessage());
    }

    @Test
    void aStagingFolderLeftByAKilledRunIsNotTheUsersFile(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("lesson"));
        Files.createDirectories(out.resolve(attnscope.output.OutputFolder.STAGING_PREFIX + "999999999-1"));
        Lesson.checkOutput(out); // accepted: only attnscope's own leftovers
        Files.writeString(out.resolve("notes.txt"), "mine");
        attnscope.InputException e = org.junit.jupiter.api.Assertions.assertThrows(attnscope.InputException.class,
                () -> Lesson.checkOutput(out));
        assertTrue(e.getMessage().contains("already holds files that attnscope lesson did not write"), e.getMessage());
    }

    @Test
    void missingModelIsAnInputErrorBeforeAnythingIsWritten(@TempDir Path dir) {
        Path out = dir.resolve("lesson");
        Run r = run("lesson", "--model", dir.resolve("nope").toString(), "--out", out.toString());
        assertEquals(ExitCodes.INPUT, r.exit());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(out), "nothing written for bad input");
        Run noStandIn = run("lesson", "--models-dir", dir.resolve("models").toString(), "--no-stand-in", "--out", out.toString());
        assertEquals(ExitCodes.INPUT, noStandIn.exit());
        assertTrue(noStandIn.err().contains("attnscope fetch"), noStandIn.err());
    }

    /** The README's main command on a fresh machine: no model fetched, so a labelled synthetic stand-in. */
    @Test
    void withoutARealModelTheReportSaysSoAtTheTop(@TempDir Path dir) throws Exception {
        Path models = dir.resolve("models");
        Files.createDirectories(models.resolve("qwen2-tokenizer"));
        Files.copy(TestAssets.qwen2Tokenizer(), models.resolve("qwen2-tokenizer/tokenizer.json"));
        Path out = dir.resolve("lesson");
        Run r = run("lesson", "--models-dir", models.toString(), "--out", out.toString());
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertTrue(r.out().contains("SYNTHETIC stand-in"), r.out());
        // Hundreds of megabytes are announced, with their size and place, before they are written.
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("\\d+ MB of random weights go to \\S*synthetic-qwen2.5-0.5b-geometry")
                .matcher(r.err());
        assertTrue(size.find(), r.err());
        assertTrue(size.start() < r.err().indexOf("writing weights 100%"), "the size comes before the weights: " + r.err());
        String html = Files.readString(out.resolve("index.html"));
        int banner = html.indexOf("class=\"banner\"");
        assertTrue(banner > 0 && banner < html.indexOf("<h2"), "the banner comes before the first section");
        assertTrue(html.contains("SYNTHETIC model with Qwen2.5-0.5B"));
        String config = Files.readString(models.resolve("synthetic-qwen2.5-0.5b-geometry/config.json"));
        assertTrue(config.contains("\"attnscope_synthetic\" : true") || config.contains("\"attnscope_synthetic\": true"), config);
        assertTrue(html.contains("14 × ") && html.contains("(each shared by 7 query heads)"), "Qwen2.5-0.5B's geometry");

        // The shipped passage is exactly 50 Qwen tokens: the report literally shows the lesson's shapes.
        assertTrue(html.contains("a passage of 50 tokens"), "section 4 heading");
        for (String shape : List.of("14 × 50 × 64", "50 × 64", "14 × 50 × 50", "50 × 50", "50 × 896", "1 × 14 × 50 × 64", "1 × 2 × 50 × 64")) {
            assertTrue(html.contains(shape), shape);
        }
        // The KV cache and the attention's parameters, computed from config.json.
        assertTrue(html.contains("1.17 MiB") && html.contains("8.20 MiB") && html.contains("grouping saves 7×"), "KV cache");
        assertTrue(html.contains("1,836,160") && html.contains("44,067,840 (44.07 M)"), "attention parameters");
        assertTrue(html.contains("query heads 7–13"), "head → KV-head table");
        // Random weights: no roles named, and the page says why.
        assertTrue(html.contains(HeadStatistics.NO_ROLES));
        assertFalse(html.contains("previous-token head:") || html.contains("attention sink:"), "no role on a synthetic model");
        // The banner's command is code, not literal backticks.
        assertTrue(html.contains("<code>attnscope fetch</code>"));
        assertFalse(html.contains("`"));
        // A table of contents, and every figure written is shown on the page or linked from the gallery.
        assertTrue(html.contains("<nav class=\"toc\"") && html.contains("href=\"#6-the-complexity-question-memory-of-the-scores-against-t\""));
        String shown = html + Files.readString(out.resolve("gallery.html"));
        long total = 0;
        try (var files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(f);
                String rel = out.relativize(f).toString().replace('\\', '/');
                if (rel.startsWith("figures/")) {
                    assertTrue(shown.contains("\"" + rel + "\""), "figure neither shown nor linked: " + rel);
                }
            }
        }
        assertTrue(total <= 15L * 1024 * 1024, "the lesson at T = 50 must stay within 15 MB, found " + total + " bytes");
    }

    @Test
    void passageOptionsLikeFigures(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("lesson");
        Run r = run("lesson", "--model", model.toString(), "--out", out.toString(), "--text", "the cat chases the mouse on the mat",
                "--tokens", "6", "--layers", "1", "--heads", "all");
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertTrue(r.err().contains("cut the passage from 9 to its first 6 tokens (--tokens 6)"), r.err());
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("a passage of 6 tokens") && html.contains("cut from 9 to its first 6 tokens"), "the report says so");
        String gallery = Files.readString(out.resolve("gallery.html"));
        try (var files = Files.list(out.resolve("figures"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertFalse(names.contains("layer00_grid.png"), "--layers 1 draws layer 1 only: " + names);
            assertTrue(names.contains("layer01_grid.png"));
            for (int h = 0; h < 4; h++) {
                String head = String.format("layer01_head%02d.png", h);
                assertTrue(names.contains(head), "--heads all: " + head);
                assertTrue(gallery.contains("figures/" + head), "linked from the gallery: " + head);
            }
        }
        assertEquals(ExitCodes.INPUT, run("lesson", "--model", model.toString(), "--out", dir.resolve("x").toString(), "--text",
                "the cat", "--tokens", "50").exit());
        // Backticks in the passage are text: the token line shows them, no code span is made of them.
        Path ticks = dir.resolve("ticks");
        Run t = run("lesson", "--model", model.toString(), "--out", ticks.toString(), "--text", "x `code` y the cat", "--layers", "1");
        assertEquals(ExitCodes.OK, t.exit(), t.err());
        String page = Files.readString(ticks.resolve("index.html"));
        String line = page.lines().filter(l -> l.contains("Passage tokens:")).findFirst().orElseThrow();
        assertFalse(line.contains("<code>"), line);
        assertTrue(line.contains("&#96;"), line);
        assertEquals(ExitCodes.USAGE, run("lesson", "--model", model.toString(), "--out", dir.resolve("y").toString(), "--text",
                "the cat", "--text-file", "passage.txt").exit());
        Run one = run("lesson", "--model", model.toString(), "--out", dir.resolve("w").toString(), "--tokens", "1");
        assertEquals(ExitCodes.INPUT, one.exit(), one.err());
        assertTrue(one.err().contains("the passage cut to --tokens 1 has 1 token(s): the lesson needs at least 2"), one.err());
        Run badHead = run("lesson", "--model", model.toString(), "--out", dir.resolve("z").toString(), "--heads", "99");
        assertEquals(ExitCodes.INPUT, badHead.exit());
        assertFalse(Files.exists(dir.resolve("z")));
    }
}
