package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/** SVG and PDF stay light (issue 18): one masked shape, rounded coordinates, ASCII text as PDF text. */
class VectorFiguresTest {
    static Figure head() {
        var r = RenderFixtures.inspection(RenderFixtures.config(1, 2, 1, false), RenderFixtures.tokens(13), true, 1);
        PatternSet set = LessonFigures.patternSets(r).get(0);
        FigureOptions o = FigureOptions.defaults();
        return LessonFigures.headFigure(set, 0, HeatmapFigure.Layout.of(set.labels(), set.labels(), o), o);
    }

    @Test
    void theMaskedTriangleIsOneShapeWithOneHatchPath() {
        String svg = FigureWriter.svg(head());
        int lines = svg.split("<line", -1).length - 1;
        assertTrue(lines < 30, "colour-bar ticks, no hatch line of its own (there were ~700): " + lines);
        // 12 masked rows were 12 rectangles and ~700 lines; now the staircase and one path of lines
        assertTrue(svg.length() < 60_000, "svg " + svg.length() + " bytes");
        var longNumber = java.util.regex.Pattern.compile("[a-z]+='[^']*\\d\\.\\d{3,}").matcher(svg);
        assertFalse(longNumber.find(), () -> "coordinates to 1/100 px: " + longNumber.group());
        assertEquals("183.75", FigureWriter.hundredths(183.7493500861671));
        assertEquals("3", FigureWriter.hundredths(3.0));
    }

    @Test
    void pdfWritesAsciiAsHelveticaTextAndTheRestAsOutlines() throws Exception {
        byte[] pdf = FigureWriter.pdf(head());
        String file = new String(pdf, StandardCharsets.ISO_8859_1);
        assertTrue(file.contains("/BaseFont /Helvetica"), "standard font");
        int start = file.indexOf("stream", file.indexOf("FlateDecode")) + 6;
        while (pdf[start] == '\r' || pdf[start] == '\n') {
            start++;
        }
        int end = file.indexOf("endstream", start);
        String content = new String(new InflaterInputStream(new ByteArrayInputStream(pdf, start, end - start)).readAllBytes(),
                StandardCharsets.ISO_8859_1);
        assertTrue(content.contains("(0.01) Tj"), "cell values are text");
        assertTrue(content.contains("(w1) Tj"), "\"␣w1\": the ␣ as an outline, then w1 as text");
        assertFalse(content.contains("␣"));
        assertTrue(pdf.length < 30_000, "pdf " + pdf.length + " bytes");
        assertEquals(556 * 3 + 278, PdfStandardFont.width(FigureStyle.font(1000, false), "0.01"), 1e-9);
        assertFalse(List.of('\\', '(', ')', 'é').stream().anyMatch(PdfStandardFont::covers), "escaped or non-ASCII: outlines");
    }
}
