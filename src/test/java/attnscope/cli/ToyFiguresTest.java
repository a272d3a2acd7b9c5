package attnscope.cli;

import static attnscope.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.render.ToyCharts;
import attnscope.testing.Cli.Run;
import attnscope.toy.HandoutExample;
import attnscope.toy.QueryAttention;
import attnscope.toy.ToyInput;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The toy's figures: one scale on both axes, values drawn, labels beside the arrowheads, names per run, JSON alone. */
class ToyFiguresTest {
    private static JFreeChart handoutVectors() {
        HandoutExample ex = HandoutExample.from(ToyInput.builtIn("handout"));
        QueryAttention.Result r = QueryAttention.compute(ex, false);
        return ToyCharts.vectors("t", ex.tokens(), ex.keys(), ex.values(), ex.query(), r.softmax().output(), "output (softmax)");
    }

    @Test
    void vectorFigureHasOneScaleOnBothAxesAndDrawsTheValues() {
        JFreeChart chart = handoutVectors();
        for (int[] size : new int[][] {{760, 760}, {700, 500}, {500, 800}}) {
            BufferedImage img = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            ChartRenderingInfo info = new ChartRenderingInfo();
            chart.draw(g, new Rectangle2D.Double(0, 0, size[0], size[1]), info);
            g.dispose();
            Rectangle2D area = info.getPlotInfo().getDataArea();
            XYPlot plot = chart.getXYPlot();
            double perPxX = plot.getDomainAxis().getRange().getLength() / area.getWidth();
            double perPxY = plot.getRangeAxis().getRange().getLength() / area.getHeight();
            assertEquals(perPxX, perPxY, 0.01 * perPxX, "units per pixel across and up, " + size[0] + " × " + size[1]);
        }
        List<String> labels = new ArrayList<>();
        for (XYAnnotation a : chart.getXYPlot().getAnnotations()) {
            if (a instanceof XYTextAnnotation t) {
                labels.add(t.getText());
            }
        }
        for (String l : List.of("v1 cat", "v2 chases", "v0, v3 = (0, 0)", "k0 the", "query [2, 3]")) {
            assertTrue(labels.contains(l), l + " in " + labels);
        }
        assertEquals("values (dashed)", chart.getXYPlot().getDataset().getSeriesKey(2));
    }

    @Test
    void labelsStandBesideTheTipsNotOnThem() {
        JFreeChart chart = handoutVectors();
        // Tips of the handout's vectors: keys, values and the query.
        double[][] tips = {{1, 0}, {3, 1}, {0, 3}, {2, 0}, {4, 1}, {2, 2}, {2, 3}};
        for (XYAnnotation a : chart.getXYPlot().getAnnotations()) {
            if (a instanceof XYTextAnnotation t) {
                for (double[] tip : tips) {
                    double d = Math.hypot(t.getX() - tip[0], t.getY() - tip[1]);
                    assertTrue(d > 0.1, "label \"" + t.getText() + "\" anchored " + d + " from the tip " + tip[0] + "," + tip[1]);
                }
            }
        }
    }

    @Test
    void scaledHeaderSaysWhatTheCellsCompute() {
        Run scaled = run("toy", "--scaled", "--no-figures");
        assertTrue(scaled.out().contains("score = query · key / √d_k"), scaled.out());
        assertTrue(scaled.out().contains("÷ √2"), "and the cells divide by √2");
        Run plain = run("toy", "--no-figures");
        assertFalse(plain.out().contains("√d_k"), plain.out());
        assertTrue(plain.out().contains("score = query · key"));
    }

    @Test
    void jsonWritesJsonOnlyAndRunsWithOtherOptionsKeepTheirOwnFigures(@TempDir Path dir) throws Exception {
        Run json = run("toy", "--json", "--figures", dir.toString());
        assertEquals(0, json.exit(), json.err());
        assertTrue(json.out().strip().startsWith("{"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "--json draws nothing");
        }
        assertEquals(0, run("toy", "--figures", dir.toString()).exit());
        assertEquals(0, run("toy", "--scaled", "--figures", dir.toString()).exit());
        assertEquals(0, run("toy", "matrix", "--figures", dir.toString()).exit());
        try (var files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertTrue(names.containsAll(List.of("handout_weights.png", "handout_weights-scaled.png", "handout_vectors-scaled.png",
                    "matrix_weights.png")), names.toString());
        }
        TreeMap<String, String> opts = new TreeMap<>();
        opts.put("--query", "1,0");
        opts.put("--keys", "1,0;3,1");
        opts.put("--scaled", null);
        assertEquals("handout_weights-keys=1,0_3,1-query=1,0-scaled.png", ToyOptions.named("handout_weights.png", opts));
        opts.put("--input", "/a/very/long/path/".repeat(10) + "x.txt");
        String longName = ToyOptions.named("handout_weights.png", opts);
        assertTrue(longName.length() < 100 && longName.endsWith(".png"), longName);
    }
}
