package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Projector mode (issue 15): landscape canvases, every text ≥ 24 px at 1080 px high — held by
 * FigureStyle's check on every text drawn — token labels decimated, and a window of queries/keys.
 */
class ProjectorFiguresTest {
    /** Qwen's 14 heads sharing 2 KV heads, 3 layers, 50 tokens of the lesson's length. */
    static InspectionResult lesson() {
        return RenderFixtures.inspection(RenderFixtures.config(3, 14, 2, true), RenderFixtures.tokens(50), true, 11);
    }

    static List<Figure> everyFigure(InspectionResult r, FigureOptions opts) {
        List<PatternSet> sets = LessonFigures.patternSets(r);
        MatrixView sample = LessonFigures.headView(sets.get(0), 0, opts);
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(sample.rowLabels(), sample.colLabels(), opts);
        return List.of(LessonFigures.headFigure(sets.get(1), 3, layout, opts), new LayerGridFigure(sets.get(1), opts),
                new OverviewFigure(sets, opts), new RowViewFigure(sets.get(1), 20, List.of(0, 5), opts),
                new RowViewFigure(sets.get(1), 20, List.of(0, 1, 2, 3, 4, 5, 6), opts));
    }

    @Test
    void everyFigureFitsTheProjectorWithTextOfAtLeast24Px() {
        InspectionResult r = lesson();
        for (String aspect : new String[] {"16:9", "4:3"}) {
            Projector p = Projector.ofAspect(aspect);
            FigureOptions opts = FigureOptions.defaults().withProjector(p).forModel(r.config());
            for (Figure f : everyFigure(r, opts)) {
                assertEquals(p.width(), f.width(), aspect + " " + f.getClass().getSimpleName());
                assertEquals(1080, f.height(), aspect + " " + f.getClass().getSimpleName());
                assertEquals(24, f.minTextPx());
                // Drawing checks every text against 24 px (FigureStyle.requireLegible): raster and SVG.
                FigureWriter.raster(f);
                FigureWriter.svg(f);
            }
        }
    }

    @Test
    void theCheckRefusesSmallTextAndTheDefaultLayoutWouldFailIt() {
        InspectionResult r = lesson();
        FigureOptions defaults = FigureOptions.defaults().forModel(r.config());
        Figure page = everyFigure(r, defaults).get(0);
        BufferedImage image = FigureWriter.blankRaster(page);
        Graphics2D g = image.createGraphics();
        FigureWriter.prepare(g, page);
        FigureWriter.requireText(g, Projector.MIN_TEXT_PX);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> page.draw(g));
        assertTrue(e.getMessage().contains("below the minimum of 24.0 px"), e.getMessage());
    }

    @Test
    void labelsTooSmallForTheProjectorAreDecimatedNotShrunk() {
        InspectionResult r = lesson();
        FigureOptions opts = FigureOptions.defaults().withProjector(Projector.ofAspect("16:9"));
        List<String> labels = LessonFigures.patternSets(r).get(0).labels();
        HeatmapFigure.Layout projector = HeatmapFigure.Layout.of(labels, labels, opts);
        assertTrue(projector.labelFont.getSize2D() >= 24, "labels " + projector.labelFont.getSize2D() + " px");
        assertTrue(projector.stride > 1, "50 labels of 24 px cannot all fit 1080 px: every k-th is drawn");
        HeatmapFigure.Layout page = HeatmapFigure.Layout.of(labels, labels, FigureOptions.defaults());
        assertEquals(1, page.stride, "the default figure keeps every label");
        assertEquals(1600, page.width);
    }

    @Test
    void aWindowCropsQueriesAndKeysAndStillFlagsALeak() {
        InspectionResult r = lesson();
        float[] p = r.model().get(0, Site.PATTERN).data();
        p[(0 * 50 + 12) * 50 + 14] = 0.3f; // layer 0, head 0, query 12, key 14: a leak inside the window
        FigureOptions opts = FigureOptions.defaults()
                .withProjector(Projector.ofAspect("16:9").withWindow(Projector.Window.parse("10:20,5:20")));
        PatternSet set = LessonFigures.patternSets(r).get(0);
        MatrixView view = LessonFigures.headView(set, 0, opts);
        assertEquals(10, view.rows());
        assertEquals(15, view.cols());
        assertEquals("10 " + set.labels().get(10), view.rowLabels().get(0), "labels carry their positions");
        assertEquals(1, view.leaks().count());
        assertTrue(view.isMasked(0, 14), "query 10, key 19: masked, weight 0");
        assertTrue(!view.maskApplies(5, 10), "query 15, key 15: its own position is visible");
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(view.rowLabels(), view.colLabels(), opts);
        FigureWriter.raster(LessonFigures.headFigure(set, 0, layout, opts));
        assertEquals(new Projector.Window(40, 50, 0, 50), Projector.Window.parse("40:60").clip(50));
        assertThrows(IllegalArgumentException.class, () -> Projector.Window.parse("60:70").clip(50));
        assertThrows(IllegalArgumentException.class, () -> Projector.Window.parse("20:10"));
        assertThrows(IllegalArgumentException.class, () -> Projector.ofAspect("21:9"));
    }
}
