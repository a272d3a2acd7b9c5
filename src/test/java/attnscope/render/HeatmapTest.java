package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heatmap of a labelled matrix (what the toy uses), read back from its files. */
class HeatmapTest {
    /**
     * The handout-sized fixture: 3 × 3, row 0 = (1, masked, masked), row 1 = (0, 1, masked),
     * row 2 = (0.25, 0.25, 0.5). Cell (1, 0) is an unmasked weight of exactly 0.
     */
    static final float[] MATRIX = {1, 0, 0, 0, 1, 0, 0.25f, 0.25f, 0.5f};
    static final boolean[] MASK = {false, true, true, false, false, true, false, false, false};
    static final List<String> TOKENS = List.of("the", "Ġcat", "<a&b>/../x");

    @TempDir
    Path tmp;

    static FigureOptions all() {
        return FigureOptions.defaults().withFormats(EnumSet.allOf(FigureFormat.class));
    }

    @Test
    void writesEachFormatUnderTheGivenBaseName() throws IOException {
        List<Path> files = Heatmap.write(MATRIX, 3, 3, TOKENS, TOKENS, "toy", MASK, tmp.resolve("toy/pattern.png"), all());
        assertEquals(List.of(tmp.resolve("toy/pattern.png"), tmp.resolve("toy/pattern.svg"), tmp.resolve("toy/pattern.pdf")),
                files);
        BufferedImage png = ImageIO.read(files.get(0).toFile());
        assertEquals(1600, png.getWidth());
        assertEquals(1600, png.getHeight());
        assertTrue(new String(Files.readAllBytes(files.get(2)), StandardCharsets.ISO_8859_1).startsWith("%PDF-"));
        try (var listing = Files.list(tmp.resolve("toy"))) {
            assertEquals(3, listing.count(), "no temporary files left behind");
        }
    }

    @Test
    void sameInputGivesIdenticalBytesInEveryFormat() throws IOException {
        List<Path> a = Heatmap.write(MATRIX, 3, 3, TOKENS, TOKENS, "toy", MASK, tmp.resolve("a/p"), all());
        List<Path> b = Heatmap.write(MATRIX, 3, 3, TOKENS, TOKENS, "toy", MASK, tmp.resolve("b/p"), all());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i).getFileName().toString());
        }
    }

    @Test
    void differentWeightsGiveDifferentBytes() throws IOException {
        float[] other = MATRIX.clone();
        other[8] = 0.4f;
        other[7] = 0.35f;
        Path a = Heatmap.write(MATRIX, 3, 3, TOKENS, TOKENS, "toy", MASK, tmp.resolve("a/p"), all()).get(0);
        Path b = Heatmap.write(other, 3, 3, TOKENS, TOKENS, "toy", MASK, tmp.resolve("b/p"), all()).get(0);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)));
    }

    @Test
    void maskedCellsAreGreyNotTheColourOfZero() {
        MatrixView view = MatrixView.of(MATRIX, 3, 3, TOKENS, TOKENS, MASK);
        FigureOptions options = FigureOptions.defaults();
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(TOKENS, TOKENS, options);
        BufferedImage image = FigureWriter.raster(new HeatmapFigure(view, layout, "t", null, HeatmapFigure.QUERY_AXIS,
                HeatmapFigure.KEY_AXIS, options));

        int zero = pixelNearCorner(image, layout, 1, 0);
        int one = pixelNearCorner(image, layout, 0, 0);
        int masked = pixelNearCorner(image, layout, 0, 2);
        assertEquals(0x440154, zero, "weight 0 is the low end of viridis");
        assertEquals(0xFDE725, one, "weight 1 is the high end of viridis");
        assertTrue(masked == FigureStyle.MASK_RGB || masked == (FigureStyle.MASK_HATCH.getRGB() & 0xFFFFFF),
                "masked cell drawn grey, found " + Integer.toHexString(masked));
        assertNotEquals(zero, masked);
        // Without the mask the same cell is drawn as the weight it holds (0): the difference is the mask's doing.
        MatrixView unmasked = MatrixView.of(MATRIX, 3, 3, TOKENS, TOKENS, null);
        BufferedImage plain = FigureWriter.raster(new HeatmapFigure(unmasked, layout, "t", null, "q", "k", options));
        assertEquals(0x440154, pixelNearCorner(plain, layout, 0, 2));
    }

    @Test
    void logAndRowScalesColourSmallWeightsBrighter() {
        float[] m = {0.01f, 0.99f, 0.001f, 0.999f};
        List<String> two = List.of("a", "b");
        MatrixView view = MatrixView.of(m, 2, 2, two, two, null);
        int linear = cellColour(view, ColorScale.LINEAR, 0, 0);
        int log = cellColour(view, ColorScale.LOG, 0, 0);
        assertEquals(Viridis.rgb(0.01), linear);
        // 0.01 is halfway on four decades: the middle entries (the float 0.01f lies a hair below 10⁻²).
        assertTrue(log == Viridis.entry(127) || log == Viridis.entry(128), Integer.toHexString(log));
        assertEquals(0xFDE725, cellColour(view, ColorScale.ROW, 0, 1), "a row's maximum is the top colour");
        assertEquals(Viridis.rgb(0.001 / 0.999), cellColour(view, ColorScale.ROW, 1, 0));
    }

    @Test
    void syntheticLabelIsInTheSvgTextOnlyWhenAsked() {
        MatrixView view = MatrixView.of(MATRIX, 3, 3, TokenLabels.display(TOKENS), TokenLabels.display(TOKENS), MASK);
        String labelled = FigureWriter.svg(Heatmap.figure(view, "t", null,
                FigureOptions.defaults().withSyntheticLabel(FigureOptions.SYNTHETIC_LABEL)));
        String plain = FigureWriter.svg(Heatmap.figure(view, "t", null, FigureOptions.defaults()));
        assertTrue(labelled.contains(">" + FigureOptions.SYNTHETIC_LABEL + "<"));
        assertFalse(plain.contains("SYNTHETIC"));
    }

    @Test
    void svgIsWellFormedXmlWithTokenTextEscaped() throws Exception {
        MatrixView view = MatrixView.of(MATRIX, 3, 3, TokenLabels.display(TOKENS), TokenLabels.display(TOKENS), MASK);
        String svg = FigureWriter.svg(Heatmap.figure(view, "layer 0 · <head> & co", null, FigureOptions.defaults()));
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        var doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertTrue(svg.contains("&lt;a&amp;b&gt;/../x"));
        assertTrue(svg.contains("␣cat"));
        assertFalse(svg.contains("nanoTime") || svg.matches("(?s).*_\\d{9,}.*"), "no time-based ids");
    }

    @Test
    void pdfCarriesAFixedDate() {
        MatrixView view = MatrixView.of(MATRIX, 3, 3, TOKENS, TOKENS, MASK);
        String pdf = new String(FigureWriter.pdf(Heatmap.figure(view, "t", null, FigureOptions.defaults())),
                StandardCharsets.ISO_8859_1);
        assertTrue(pdf.contains("/CreationDate (D:20000101000000"), "fixed creation date");
        assertTrue(pdf.contains("/ModDate (D:20000101000000"), "fixed modification date");
    }

    @Test
    void manyTokensDrawAsAnImageWithEveryNthLabel() throws IOException {
        int t = 200;
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) {
            m[i * t + i] = 1;
        }
        List<String> tokens = RenderFixtures.tokens(t);
        Path png = Heatmap.write(m, t, t, tokens, tokens, "long", null, tmp.resolve("long.png"), FigureOptions.defaults()).get(0);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1600, image.getWidth());
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(TokenLabels.display(tokens), TokenLabels.display(tokens),
                FigureOptions.defaults());
        assertTrue(layout.stride > 1, "labels thinned out");
        int cx = (layout.xEdges[100] + layout.xEdges[101]) / 2;
        int cy = (layout.yEdges[100] + layout.yEdges[101]) / 2;
        assertEquals(0xFDE725, image.getRGB(cx, cy) & 0xFFFFFF, "diagonal cell drawn at its place");
    }

    @Test
    void rejectsAMatrixOfTheWrongSize() {
        assertThrows(IllegalArgumentException.class,
                () -> Heatmap.write(new float[5], 2, 3, List.of("a", "b"), List.of("a", "b", "c"), "t", null,
                        tmp.resolve("x.png"), FigureOptions.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> MatrixView.of(new float[6], 2, 3, List.of("a"), List.of("a", "b", "c"), null));
    }

    private static int cellColour(MatrixView view, ColorScale scale, int r, int c) {
        FigureOptions options = FigureOptions.defaults().withScale(scale);
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(view.rowLabels(), view.colLabels(), options);
        BufferedImage image = FigureWriter.raster(new HeatmapFigure(view, layout, "t", null, "q", "k", options));
        return pixelNearCorner(image, layout, r, c);
    }

    /** A pixel inside cell (r, c), a few pixels from its top-left corner (away from numbers and hatching midlines). */
    static int pixelNearCorner(BufferedImage image, HeatmapFigure.Layout layout, int r, int c) {
        return image.getRGB(layout.xEdges[c] + 3, layout.yEdges[r] + 3) & 0xFFFFFF;
    }
}
