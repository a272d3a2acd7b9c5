package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.ActivationCache;
import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import attnscope.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lesson's figures from inspection results built on the reference attention. */
class LessonFiguresTest {
    @TempDir
    Path tmp;

    /** 2 layers, 4 query heads sharing 2 KV heads, the 13 tokens of the animal sentence, causal. */
    static InspectionResult small(boolean synthetic, boolean causal) {
        return RenderFixtures.inspection(RenderFixtures.config(2, 4, 2, synthetic), RenderFixtures.ANIMAL_TOKENS, causal, 3);
    }

    static FigureOptions smallOptions() {
        return FigureOptions.defaults().withSize(600).withThreads(2);
    }

    @Test
    void writesTheContractNamesForEveryHeadLayerAndTheOverview() throws IOException {
        List<Path> files = LessonFigures.writeAll(small(false, true), tmp, smallOptions());
        List<String> expected = List.of("layer00_head00.png", "layer00_head01.png", "layer00_head02.png",
                "layer00_head03.png", "layer00_grid.png", "layer01_head00.png", "layer01_head01.png", "layer01_head02.png",
                "layer01_head03.png", "layer01_grid.png", "overview.png");
        assertEquals(expected, files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path p : files) {
            assertTrue(Files.size(p) > 1000, p + " is a real image");
        }
        try (Stream<Path> listing = Files.list(tmp)) {
            assertEquals(expected.size(), listing.count(), "nothing else written");
        }
        BufferedImage head = ImageIO.read(files.get(0).toFile());
        assertEquals(600, head.getWidth());
        assertEquals(600, head.getHeight());
    }

    @Test
    void defaultHeadHeatmapIsProjectorSized() throws IOException {
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(1, 2, 1, false), RenderFixtures.tokens(5), true, 1);
        List<Path> files = LessonFigures.writeAll(r, tmp, FigureOptions.defaults());
        BufferedImage head = ImageIO.read(tmp.resolve("layer00_head00.png").toFile());
        assertEquals(1600, head.getWidth());
        assertEquals(1600, head.getHeight());
        BufferedImage overview = ImageIO.read(tmp.resolve("overview.png").toFile());
        assertTrue(overview.getWidth() >= 1000, "overview width " + overview.getWidth());
        assertEquals(4, files.size());
    }

    @Test
    void parallelOutputEqualsSerialOutput() throws IOException {
        InspectionResult r = small(true, true);
        FigureOptions all = smallOptions().withFormats(EnumSet.allOf(FigureFormat.class));
        List<Path> serial = LessonFigures.writeAll(r, tmp.resolve("serial"), all.withThreads(1));
        List<Path> parallel = LessonFigures.writeAll(r, tmp.resolve("parallel"), all.withThreads(4));
        assertEquals(33, serial.size());
        assertEquals(serial.size(), parallel.size());
        for (int i = 0; i < serial.size(); i++) {
            assertEquals(serial.get(i).getFileName(), parallel.get(i).getFileName());
            assertArrayEquals(Files.readAllBytes(serial.get(i)), Files.readAllBytes(parallel.get(i)),
                    serial.get(i).getFileName().toString());
        }
    }

    @Test
    void headsDrawnFromTheTemplateArePixelForPixelTheWholeDrawing() {
        // Hatched cells (T ≤ 128) and painted cells (T > 128), causal or not, with and without the
        // banner, each colour scale; heads in an order that leaves other heads' cells on the canvas.
        record Case(int t, int size, boolean causal, boolean synthetic, ColorScale scale) {
        }
        List<Case> cases = List.of(new Case(50, 1600, true, true, ColorScale.LINEAR), new Case(50, 800, false, false, ColorScale.LOG),
                new Case(30, 600, true, false, ColorScale.ROW), new Case(140, 800, true, true, ColorScale.LINEAR),
                new Case(140, 600, false, false, ColorScale.ROW));
        for (Case c : cases) {
            InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(1, 4, 2, c.synthetic()), RenderFixtures.tokens(c.t()),
                    c.causal(), c.t());
            FigureOptions opts = FigureOptions.defaults().withSize(c.size()).withScale(c.scale()).forModel(r.config());
            PatternSet set = LessonFigures.patternSets(r).get(0);
            HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(set.labels(), set.labels(), opts);
            HeatmapFigure.Template template = HeatmapFigure.Template.of(LessonFigures.headFigure(set, 1, layout, opts));
            BufferedImage canvas = template.canvas();
            for (int head : new int[] {3, 0, 2, 1}) {
                HeatmapFigure figure = LessonFigures.headFigure(set, head, layout, opts);
                template.draw(figure, canvas);
                assertArrayEquals(pixels(FigureWriter.raster(figure)), pixels(canvas), c + ", head " + head);
            }
        }
    }

    @Test
    void gridsDrawnFromTheTemplateArePixelForPixelTheWholeDrawing() {
        // Grouped heads (14/2 as in Qwen2.5) and ungrouped, causal or not, with and without the
        // banner, each colour scale; the template is made from one layer and used for every layer.
        record Case(int layers, int heads, int kvHeads, int t, int size, boolean causal, boolean synthetic, ColorScale scale) {
        }
        List<Case> cases = List.of(new Case(3, 14, 2, 50, 1600, true, true, ColorScale.LINEAR),
                new Case(2, 4, 4, 30, 800, false, false, ColorScale.LOG), new Case(2, 6, 2, 140, 600, true, false, ColorScale.ROW));
        for (Case c : cases) {
            InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(c.layers(), c.heads(), c.kvHeads(), c.synthetic()),
                    RenderFixtures.tokens(c.t()), c.causal(), c.t());
            FigureOptions opts = FigureOptions.defaults().withSize(c.size()).withScale(c.scale()).forModel(r.config());
            List<PatternSet> sets = LessonFigures.patternSets(r);
            LayerGridFigure.Template template = LayerGridFigure.Template.of(new LayerGridFigure(sets.get(sets.size() - 1), opts));
            for (PatternSet set : sets) {
                LayerGridFigure grid = new LayerGridFigure(set, opts);
                assertTrue(template.fits(grid), c.toString());
                assertArrayEquals(pixels(FigureWriter.raster(grid)), pixels(template.draw(grid)), c + ", layer " + set.layer());
            }
        }
    }

    @Test
    void aGridOfOtherTokensDoesNotFitTheTemplate() {
        InspectionResult a = RenderFixtures.inspection(RenderFixtures.config(1, 4, 2, false), RenderFixtures.tokens(20), true, 20);
        InspectionResult b = RenderFixtures.inspection(RenderFixtures.config(1, 4, 2, false), RenderFixtures.tokens(21), true, 21);
        FigureOptions opts = FigureOptions.defaults().withSize(800).forModel(a.config());
        LayerGridFigure.Template template = LayerGridFigure.Template.of(new LayerGridFigure(LessonFigures.patternSets(a).get(0), opts));
        LayerGridFigure other = new LayerGridFigure(LessonFigures.patternSets(b).get(0), opts);
        assertFalse(template.fits(other));
        assertThrows(IllegalArgumentException.class, () -> template.draw(other));
    }

    private static int[] pixels(BufferedImage image) {
        return ((java.awt.image.DataBufferInt) image.getRaster().getDataBuffer()).getData();
    }

    @Test
    void headsWithNumbersInTheirCellsAreDrawnWhole() {
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(1, 2, 1, false), RenderFixtures.tokens(5), true, 1);
        PatternSet set = LessonFigures.patternSets(r).get(0);
        FigureOptions opts = FigureOptions.defaults();
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(set.labels(), set.labels(), opts);
        assertFalse(HeatmapFigure.Template.possible(LessonFigures.headFigure(set, 0, layout, opts)));
    }

    @Test
    void everyFigureOfASyntheticModelSaysSo() throws IOException {
        FigureOptions svg = smallOptions().withFormats(EnumSet.of(FigureFormat.SVG));
        List<Path> files = new ArrayList<>(LessonFigures.writeAll(small(true, true), tmp.resolve("synthetic"), svg));
        files.addAll(RowView.write(small(true, true), 1, 8, List.of(), tmp.resolve("synthetic"), svg));
        for (Path p : files) {
            assertTrue(Files.readString(p, StandardCharsets.UTF_8).contains(">" + FigureOptions.SYNTHETIC_LABEL + "<"),
                    p.getFileName() + " carries the synthetic label");
        }
        for (Path p : LessonFigures.writeAll(small(false, true), tmp.resolve("real"), svg)) {
            assertFalse(Files.readString(p, StandardCharsets.UTF_8).contains("SYNTHETIC"), p.getFileName().toString());
        }
    }

    @Test
    void headTitleNamesLayerHeadAndKvHeadAndGridGroupsByKvHead() throws IOException {
        FigureOptions svg = smallOptions().withFormats(EnumSet.of(FigureFormat.SVG));
        LessonFigures.writeAll(small(false, true), tmp, svg);
        String head = Files.readString(tmp.resolve("layer01_head03.svg"), StandardCharsets.UTF_8);
        assertTrue(head.contains(">layer 1 · head 3 (KV head 1)<"), "title");
        assertTrue(head.contains("␣animal"), "token labels");
        String grid = Files.readString(tmp.resolve("layer00_grid.svg"), StandardCharsets.UTF_8);
        assertTrue(grid.contains(">KV head 0: heads 0–1<"));
        assertTrue(grid.contains(">KV head 1: heads 2–3<"));
        String overview = Files.readString(tmp.resolve("overview.svg"), StandardCharsets.UTF_8);
        assertTrue(overview.contains(">layer 1<") && overview.contains(">h3<") && overview.contains(">KV head 1<"));
    }

    @Test
    void aBidirectionalModelHasNoMaskedCells() {
        InspectionResult r = small(false, false);
        PatternSet set = LessonFigures.patternSets(r).get(0);
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(set.labels(), set.labels(), smallOptions());
        BufferedImage causalImage = FigureWriter.raster(LessonFigures.headFigure(LessonFigures.patternSets(small(false, true)).get(0),
                0, layout, smallOptions()));
        BufferedImage image = FigureWriter.raster(LessonFigures.headFigure(set, 0, layout, smallOptions()));
        int t = set.tokens();
        // Top-right cell: above the diagonal. Grey (fill or hatch line) when causal, a viridis colour when not.
        int masked = HeatmapTest.pixelNearCorner(causalImage, layout, 0, t - 1);
        assertTrue(masked == FigureStyle.MASK_RGB || masked == (FigureStyle.MASK_HATCH.getRGB() & 0xFFFFFF),
                Integer.toHexString(masked));
        int open = HeatmapTest.pixelNearCorner(image, layout, 0, t - 1);
        assertEquals(Viridis.rgb(set.pattern().get(0, 0, t - 1)), open);
    }

    @Test
    void aSingleTokenStillDraws() throws IOException {
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(1, 2, 1, true), List.of("Hi"), true, 1);
        List<Path> files = LessonFigures.writeAll(r, tmp, smallOptions());
        assertEquals(4, files.size());
        BufferedImage head = ImageIO.read(files.get(0).toFile());
        assertEquals(600, head.getWidth());
    }

    @Test
    void aBlankLabelCannotHideThatAModelIsSynthetic() {
        FigureOptions o = FigureOptions.defaults().withSyntheticLabel(" ").forModel(RenderFixtures.config(1, 2, 1, true));
        assertEquals(FigureOptions.SYNTHETIC_LABEL, o.syntheticLabel());
        assertEquals(null, FigureOptions.defaults().forModel(RenderFixtures.config(1, 2, 1, false)).syntheticLabel());
    }

    @Test
    void fileNamesNeverContainTokenText() throws IOException {
        List<String> hostile = List.of("../../etc/passwd", "<script>", "a/b", "C:\\x", "Ġ..", "\u0000");
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(1, 2, 2, false), hostile, true, 5);
        FigureOptions options = smallOptions().withFormats(EnumSet.allOf(FigureFormat.class));
        List<Path> files = new ArrayList<>(LessonFigures.writeAll(r, tmp, options));
        files.addAll(RowView.write(r, 0, 3, List.of(0), tmp, options));
        for (Path p : files) {
            assertEquals(tmp, p.getParent());
            assertTrue(p.getFileName().toString().matches("(layer\\d{2}_(head\\d{2}|grid)|overview|row_layer\\d{2}_q\\d{2})\\.(png|svg|pdf)"),
                    p.getFileName().toString());
        }
        try (Stream<Path> all = Files.walk(tmp)) {
            assertEquals(files.size(), all.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void aPatternThatDoesNotMatchTheTokensIsRefusedWithItsShape() {
        InspectionResult good = small(false, true);
        ActivationCache model = new ActivationCache();
        model.put(0, Site.PATTERN, Tensor.zeros(4, 13, 12));
        InspectionResult bad = new InspectionResult(good.config(), "decomposed", true, good.tokens(), good.ids(), List.of(0),
                model, model, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LessonFigures.writeAll(bad, tmp, smallOptions()));
        assertEquals("pattern, layer 0: expected (H, T=13, T=13) but found (4, 13, 12)", e.getMessage());
        ActivationCache wrongHeads = new ActivationCache();
        wrongHeads.put(0, Site.PATTERN, Tensor.zeros(3, 13, 13));
        InspectionResult bad2 = new InspectionResult(good.config(), "decomposed", true, good.tokens(), good.ids(),
                List.of(0), wrongHeads, wrongHeads, List.of());
        assertThrows(IllegalArgumentException.class, () -> LessonFigures.writeAll(bad2, tmp, smallOptions()));
    }
}
