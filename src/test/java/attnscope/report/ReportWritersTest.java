package attnscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.testing.HeadlessChromium;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWritersTest {
    @TempDir
    Path dir;

    private static Report sample(String imagePath) {
        return new Report("t").heading(1, "Attention <b>")
                .banner("NO REAL MODEL")
                .paragraph("token \"Ġcat\" & <script>alert(1)</script>")
                .table(List.of("tensor", "shape"), List.of(List.of("Q", "14 × 50 × 64"), List.of("a|b", "x_y")), "caption")
                .figure(imagePath, "a figure", "heatmap");
    }

    @Test
    void htmlEscapesTokenText() {
        String html = HtmlWriter.render(sample("f.png"));
        assertFalse(html.contains("<script>alert"), "script from a token must be escaped");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("&quot;Ġcat&quot; &amp;"));
        assertTrue(html.contains("<h1 id=\"attention-b\">Attention &lt;b&gt;</h1>"));
        assertTrue(html.contains("class=\"banner\""));
    }

    @Test
    void tokenTextCannotLeaveItsAttributeOrCell() {
        String attack = "\"><img src=x onerror=alert(1)>";
        Report r = new Report(attack).heading(2, attack).figure("figures/layer00_head00.png", attack, attack)
                .table(List.of("token", "id"), List.of(List.of(attack, "3088"), List.of("</td><script>", "7734")), attack);
        String html = HtmlWriter.render(r);
        assertFalse(html.contains("<img src=x") || html.contains("\"><img") || html.contains("<script>"), html);
        assertTrue(html.contains("alt=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""), html);
        assertTrue(html.contains("<td>&lt;/td&gt;&lt;script&gt;</td>"), html);
        String md = MarkdownWriter.render(r);
        assertFalse(md.contains("<img") || md.contains("<script>"), md);
    }

    @Test
    void markdownHasTheSameContent() {
        String md = MarkdownWriter.render(sample("figs/f 1.png"));
        assertTrue(md.contains("# Attention &lt;b&gt;"));
        assertTrue(md.contains("> **NO REAL MODEL**"));
        assertTrue(md.contains("| Q | 14 × 50 × 64 |"));
        assertTrue(md.contains("| a\\|b | x\\_y |"), md);
        assertTrue(md.contains("![heatmap](figs/f%201.png)"));
    }

    @Test
    void tableRowsMustMatchTheHeader() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Report.Table(List.of("a", "b"), List.of(List.of("1")), null));
        assertTrue(e.getMessage().contains("Expected 2 cells per row but found 1"));
    }

    /** The browser check itself must be able to fail: one good image, one missing. */
    @Test
    void chromiumSeesLoadedAndBrokenImages() throws Exception {
        assertTrue(HeadlessChromium.available(), "chromium missing: run scripts/test-assets.sh");
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "png", dir.resolve("good.png").toFile());
        Report r = new Report("t").figure("good.png", "good", "good").figure("missing.png", "missing", "missing");
        Path html = dir.resolve("index.html");
        Files.writeString(html, HtmlWriter.render(r));
        HeadlessChromium.PageCheck check = HeadlessChromium.check(html, dir);
        assertEquals(2, check.images());
        assertEquals(1, check.loaded());
        assertEquals(List.of("missing.png"), check.broken());
        assertTrue(Files.size(check.screenshot()) > 1000, "screenshot written");
    }

    @Test
    void textFromOutsideStaysTextEvenWithBackticks() {
        // A passage or token holding backticks is shown as it is: never turned into a code span.
        Report r = new Report("t").paragraph("Passage tokens: " + Report.literal("x `code` y"))
                .table(List.of("token"), List.of(List.of(Report.literal("`a`"))), "tokens");
        String html = HtmlWriter.render(r);
        assertFalse(html.contains("<code>"), html);
        assertTrue(html.contains("Passage tokens: x &#96;code&#96; y"), html);
        assertTrue(html.contains("&#96;a&#96;"), html);
        String md = MarkdownWriter.render(r);
        assertTrue(md.contains("Passage tokens: x \\`code\\` y"), md);
        assertTrue(md.contains("\\`a\\`"), md);
    }

    @Test
    void codeSpansAreCodeNotLiteralBackticksAndContentsLinkEveryHeading() {
        Report r = new Report("t").heading(1, "Title").contents(List.of(new Report.Link("Gallery", "gallery.html")))
                .banner("No model: run `attnscope fetch` first <now>")
                .heading(2, "1. One").paragraph("x").heading(2, "2. Two").heading(3, "2a. not listed");
        String html = HtmlWriter.render(r);
        assertTrue(html.contains("run <code>attnscope fetch</code> first &lt;now&gt;"), html);
        assertFalse(html.contains("`"), "no literal backticks on the page");
        // Headings that carry their own numbers are listed without a second number ("1. 1. One").
        assertTrue(html.contains("<ul class=\"numbered\">\n<li><a href=\"#1-one\">1. One</a></li>\n<li><a href=\"#2-two\">2. Two</a></li>\n</ul>"), html);
        assertTrue(html.contains("<a href=\"gallery.html\">Gallery</a>"));
        assertFalse(html.contains("href=\"#2a-not-listed\""), "only the level-2 headings");

        String md = MarkdownWriter.render(r);
        assertTrue(md.contains("run `attnscope fetch` first &lt;now&gt;"), md);
        assertFalse(md.contains("\\`"), "backticks of a code span are not escaped: " + md);
        assertTrue(md.contains("- [1. One](#1-one)\n- [2. Two](#2-two)"), md);
        assertTrue(md.contains("<a id=\"2-two\"></a>"), "the anchor the contents link to exists in Markdown too");
        // A "2b" between "2" and "3" would make a numbered list run one ahead of the headings ("4. 3. …").
        Report lettered = new Report("t").contents(List.of()).heading(2, "1. One").heading(2, "2b. Between").heading(2, "3. Three");
        assertFalse(HtmlWriter.render(lettered).contains("<ol>"), "own numbers: no second numbering");
        assertFalse(MarkdownWriter.render(lettered).contains("3. [3. Three]"), MarkdownWriter.render(lettered));
        // Headings without numbers (the gallery's) are numbered by the list.
        Report plain = new Report("t").contents(List.of()).heading(2, "Grids").heading(2, "Heads");
        assertTrue(HtmlWriter.render(plain).contains("<ol>\n<li><a href=\"#grids\">Grids</a></li>"), HtmlWriter.render(plain));
        assertTrue(MarkdownWriter.render(plain).contains("1. [Grids](#grids)\n2. [Heads](#heads)"), MarkdownWriter.render(plain));
        // A lone backtick is still text, escaped.
        assertTrue(MarkdownWriter.inline("a ` b").contains("\\`"));
    }
}
