package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import attnscope.inspect.Inspector;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.capture.HookedModel;
import attnscope.synth.ProgressListener;
import attnscope.synth.SynthSpec;
import attnscope.synth.SyntheticModelWriter;
import attnscope.testing.TestAssets;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Figures draw the model's values, never the mask's promise (issue 17): a cell above the diagonal is
 * grey and hatched only when the model's weight there is exactly 0; a model whose mask leaks shows
 * its weights, outlined in red, with a red line counting them, in every figure.
 */
class MaskLeakFiguresTest {
    static final int[] IDS = {101, 7, 300, 42, 9, 250};

    /** A tiny synthetic model, written once under target/test-models, inspected on six tokens. */
    static InspectionResult inspectSynth(String name, SynthSpec spec) {
        Path dir = TestAssets.projectRoot().resolve("target/test-models/render-" + name + "-"
                + Integer.toHexString(spec.toString().hashCode()));
        if (!Files.isRegularFile(dir.resolve("model.onnx"))) {
            SyntheticModelWriter.write(spec, dir, null, ProgressListener.NONE, true);
        }
        try (HookedModel model = HookedModel.open(dir, Device.CPU, null)) {
            return Inspector.inspect(model, TextTokenizer.unlabelled(IDS));
        }
    }

    /** The pixels of cell (row, col) of a head heatmap, inside its edges. */
    static int[] cellPixels(BufferedImage image, HeatmapFigure.Layout L, int row, int col) {
        int x0 = L.xEdges[col] + 1;
        int x1 = L.xEdges[col + 1] - 1;
        int y0 = L.yEdges[row] + 1;
        int y1 = L.yEdges[row + 1] - 1;
        return image.getRGB(x0, y0, x1 - x0, y1 - y0, null, 0, x1 - x0);
    }

    static boolean isHatch(int argb) {
        int rgb = argb & 0xFFFFFF;
        return rgb == FigureStyle.MASK_RGB || rgb == (FigureStyle.MASK_HATCH.getRGB() & 0xFFFFFF);
    }

    static BufferedImage head(InspectionResult r, int layer, int head, HeatmapFigure.Layout[] layoutOut) {
        FigureOptions opts = FigureOptions.defaults().forModel(r.config());
        PatternSet set = LessonFigures.patternSets(r).get(layer);
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(set.labels(), set.labels(), opts);
        layoutOut[0] = layout;
        return FigureWriter.raster(LessonFigures.headFigure(set, head, layout, opts));
    }

    static long count(BufferedImage image, java.awt.Color colour) {
        int want = colour.getRGB() & 0xFFFFFF;
        long n = 0;
        for (int p : image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth())) {
            if ((p & 0xFFFFFF) == want) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aLeakingMaskShowsItsWeightInRedAndACorrectOneIsHatched() {
        InspectionResult leaking = inspectSynth("future-mask", SynthSpec.tiny().seed(7)
                .fault(SynthSpec.Fault.FUTURE_VISIBLE_MASK).build());
        InspectionResult correct = inspectSynth("correct", SynthSpec.tiny().seed(7).build());
        // The largest weight head 0 of layer 0 puts on a future key
        float[] pattern = leaking.model().get(0, Site.PATTERN).data();
        int t = IDS.length;
        int row = 0;
        int col = 1;
        for (int q = 0; q < t; q++) {
            for (int k = q + 1; k < t; k++) {
                if (pattern[q * t + k] > pattern[row * t + col]) {
                    row = q;
                    col = k;
                }
            }
        }
        float future = pattern[row * t + col];
        assertTrue(future > 0.05, "the faulty model really puts weight on a future token: " + future);

        HeatmapFigure.Layout[] L = new HeatmapFigure.Layout[1];
        BufferedImage bad = head(leaking, 0, 0, L);
        int[] cell = cellPixels(bad, L[0], row, col);
        long hatch = java.util.Arrays.stream(cell).filter(MaskLeakFiguresTest::isHatch).count();
        assertEquals(0, hatch, "no pixel of a cell holding weight " + future + " is masked grey");
        int viridis = Viridis.rgb(ColorScale.LINEAR.position(future, 0));
        assertTrue(java.util.Arrays.stream(cell).anyMatch(p -> (p & 0xFFFFFF) == viridis), "drawn in its own colour");
        assertTrue(java.util.Arrays.stream(cell).anyMatch(p -> (p & 0xFFFFFF) == (FigureStyle.LEAK.getRGB() & 0xFFFFFF)),
                "outlined in red");
        assertTrue(count(bad, FigureStyle.LEAK) > 1000, "red outlines and the red legend line");

        BufferedImage good = head(correct, 0, 0, L);
        for (int c = 1; c < IDS.length; c++) {
            int[] masked = cellPixels(good, L[0], 0, c);
            assertTrue(java.util.Arrays.stream(masked).allMatch(MaskLeakFiguresTest::isHatch), "cell (0, " + c + ") is hatched");
        }
        assertEquals(0, count(good, FigureStyle.LEAK), "a correct mask has no red");
    }

    @Test
    void oneLeakingCellIsMarkedInTheHeadGridOverviewAndRowView() {
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(2, 4, 2, false), RenderFixtures.tokens(30), true, 3);
        FigureOptions opts = FigureOptions.defaults();
        List<PatternSet> clean = LessonFigures.patternSets(r);
        long[] cleanCounts = {
            count(FigureWriter.raster(new LayerGridFigure(clean.get(1), opts)), FigureStyle.LEAK),
            count(FigureWriter.raster(new OverviewFigure(clean, opts)), FigureStyle.LEAK),
            count(FigureWriter.raster(new RowViewFigure(clean.get(1), 2, List.of(0, 1, 2, 3), opts)), FigureStyle.LEAK)};
        assertEquals(List.of(0L, 0L, 0L), List.of(cleanCounts[0], cleanCounts[1], cleanCounts[2]));

        // One weight of 1e-6 on a future key: dark, nearly the colour of 0, and still impossible to miss.
        float[] p = r.model().get(1, Site.PATTERN).data();
        int t = 30;
        p[(3 * t + 2) * t + 9] = 1e-6f; // layer 1, head 3, query 2, key 9
        List<PatternSet> sets = LessonFigures.patternSets(r);
        assertEquals(1, sets.get(1).head(3).leaks().count());
        assertTrue(count(FigureWriter.raster(new LayerGridFigure(sets.get(1), opts)), FigureStyle.LEAK) > 100, "grid");
        assertTrue(count(FigureWriter.raster(new OverviewFigure(sets, opts)), FigureStyle.LEAK) > 100, "overview");
        assertTrue(count(FigureWriter.raster(new RowViewFigure(sets.get(1), 2, List.of(0, 3), opts)), FigureStyle.LEAK) > 100,
                "row view");
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(sets.get(1).labels(), sets.get(1).labels(), opts);
        HeatmapFigure fig = LessonFigures.headFigure(sets.get(1), 3, layout, opts);
        BufferedImage image = FigureWriter.raster(fig);
        assertFalse(java.util.Arrays.stream(cellPixels(image, layout, 2, 9)).allMatch(MaskLeakFiguresTest::isHatch));
        assertTrue(java.util.Arrays.stream(cellPixels(image, layout, 2, 8)).allMatch(MaskLeakFiguresTest::isHatch),
                "its neighbour, exactly 0, stays masked");
        // The lesson's heads come from a shared template: a leaking head must not be drawn from it.
        HeatmapFigure.Template template = HeatmapFigure.Template.of(LessonFigures.headFigure(sets.get(1), 0, layout, opts));
        assertFalse(template.fits(fig));
    }

    @Test
    void twoThousandTokensDrawInEveryFigureWithALeakStillVisible() throws Exception {
        int t = 2000;
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(1, 2, 1, true), RenderFixtures.tokens(t), true, 5);
        float[] p = r.model().get(0, Site.PATTERN).data();
        p[10 * t + 1990] = 0.5f; // head 0, query 10, key 1990: far above the diagonal
        Path dir = Files.createTempDirectory("attnscope-long");
        FigureOptions opts = FigureOptions.defaults().withThreads(2).forModel(r.config());
        List<Path> files = LessonFigures.writeAll(r, dir, opts);
        assertEquals(2 + 1 + 1, files.size());
        files.addAll(RowView.write(r, 0, 0, List.of(), dir, opts));

        PatternSet set = LessonFigures.patternSets(r).get(0);
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(set.labels(), set.labels(), opts);
        assertEquals(2, layout.cellsPerPixel(), "1600 px show 2000 tokens as 2 × 2 cells per pixel");
        BufferedImage head0 = javax.imageio.ImageIO.read(dir.resolve("layer00_head00.png").toFile());
        int corner = head0.getRGB(layout.xEdges[1990], layout.yEdges[10]) & 0xFFFFFF;
        assertEquals(Viridis.rgb(0.5), corner, "the pixel of the leaking block shows its largest weight");
        int below = head0.getRGB(layout.xEdges[1990], layout.yEdges[12]) & 0xFFFFFF;
        assertEquals(FigureStyle.MASK_RGB, below, "masked blocks stay grey");
        BufferedImage head1 = javax.imageio.ImageIO.read(dir.resolve("layer00_head01.png").toFile());
        assertEquals(FigureStyle.MASK_RGB, head1.getRGB(layout.xEdges[1990], layout.yEdges[10]) & 0xFFFFFF);
        assertNotEquals(0, count(head0, FigureStyle.LEAK));
        assertEquals(0, count(head1, FigureStyle.LEAK));
        for (Path f : files) {
            assertTrue(Files.size(f) > 0, f.toString());
        }
    }
}
