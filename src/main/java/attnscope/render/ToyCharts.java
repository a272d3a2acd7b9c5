package attnscope.render;

import attnscope.output.FileSink;
import com.pngencoder.PngEncoder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The toy's figures: the handout's weights as bars (sum-normalised next to softmax, per token)
 * and its 2-D vectors (keys, query, output) as arrows. Charts are built from numbers computed
 * elsewhere; nothing here does attention math.
 *
 * <p>Reproducible: fixed size, fonts and rendering hints, no timestamps in the PNG, so the same
 * numbers give byte-identical files.
 */
public final class ToyCharts {
    /** The heatmaps' font family (a logical font: the same glyphs on every run on a machine). */
    static final String FONT = FigureStyle.FONT_FAMILY;
    private static final Color SUM_COLOR = new Color(0x4C72B0);
    private static final Color SOFTMAX_COLOR = new Color(0xDD8452);
    private static final Color KEY_COLOR = new Color(0x4C72B0);
    private static final Color QUERY_COLOR = new Color(0xC44E52);
    private static final Color OUTPUT_COLOR = new Color(0x55A868);

    private ToyCharts() {
    }

    /**
     * Bars of the weights per token.
     *
     * @param labels         (T) "0 the", "1 cat", ...
     * @param sumWeights     (T) sum-normalised weights, or null when undefined
     * @param softmaxWeights (T) softmax weights, or null
     */
    public static JFreeChart weightBars(String title, List<String> labels, double[] sumWeights, double[] softmaxWeights) {
        java.util.LinkedHashMap<String, double[]> series = new java.util.LinkedHashMap<>();
        if (sumWeights != null) {
            series.put("score ÷ sum", sumWeights);
        }
        if (softmaxWeights != null) {
            series.put("softmax", softmaxWeights);
        }
        return weightBars(title, labels, series);
    }

    /**
     * Bars of several weight vectors per token, side by side (one colour per series, in order).
     *
     * @param labels (T)
     * @param series name → (T) weights, drawn in insertion order
     */
    public static JFreeChart weightBars(String title, List<String> labels, java.util.Map<String, double[]> series) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int j = 0; j < labels.size(); j++) {
            for (java.util.Map.Entry<String, double[]> e : series.entrySet()) {
                data.addValue(e.getValue()[j], e.getKey(), labels.get(j));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "token (position)", "attention weight", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        Color[] palette = {SUM_COLOR, SOFTMAX_COLOR, new Color(0x55A868), new Color(0xC44E52), new Color(0x8172B3)};
        for (int s = 0; s < series.size(); s++) {
            bars.setSeriesPaint(s, palette[s % palette.length]);
        }
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultItemLabelGenerator(new org.jfree.chart.labels.StandardCategoryItemLabelGenerator(
                "{2}", new java.text.DecimalFormat("0.000", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT))));
        bars.setDefaultItemLabelFont(new Font(FONT, Font.PLAIN, 12));
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setRange(0, 1.05);
        style(chart);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        return chart;
    }

    /**
     * Arrows from the origin to each key (labelled with its token), to the query and to the
     * output vector, in 2-D.
     *
     * @param tokens (T)
     * @param keys   (T, 2)
     * @param query  (2)
     * @param output (2), or null
     */
    public static JFreeChart vectors(String title, List<String> tokens, double[][] keys, double[] query, double[] output,
            String outputLabel) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries keySeries = new XYSeries("keys", false, true);
        for (double[] k : keys) {
            keySeries.add(k[0], k[1]);
        }
        XYSeries querySeries = new XYSeries("query", false, true);
        querySeries.add(query[0], query[1]);
        data.addSeries(keySeries);
        data.addSeries(querySeries);
        if (output != null) {
            XYSeries outSeries = new XYSeries(outputLabel, false, true);
            outSeries.add(output[0], output[1]);
            data.addSeries(outSeries);
        }
        JFreeChart chart = ChartFactory.createScatterPlot(title, "dimension 0", "dimension 1", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) plot.getRenderer();
        Color[] colors = {KEY_COLOR, QUERY_COLOR, OUTPUT_COLOR};
        for (int s = 0; s < data.getSeriesCount(); s++) {
            r.setSeriesPaint(s, colors[s]);
            r.setSeriesShape(s, new java.awt.geom.Ellipse2D.Double(-5, -5, 10, 10));
        }
        Font labelFont = new Font(FONT, Font.PLAIN, 13);
        for (int j = 0; j < keys.length; j++) {
            addArrow(plot, keys[j], "k" + j + " " + tokens.get(j), KEY_COLOR, labelFont);
        }
        addArrow(plot, query, "query " + vec(query), QUERY_COLOR, labelFont);
        if (output != null) {
            addArrow(plot, output, outputLabel + " " + vec(output), OUTPUT_COLOR, labelFont);
        }
        // Equal, padded ranges on both axes containing the origin, so angles look like angles.
        double lo = 0;
        double hi = 0;
        for (double[] k : keys) {
            lo = Math.min(lo, Math.min(k[0], k[1]));
            hi = Math.max(hi, Math.max(k[0], k[1]));
        }
        lo = Math.min(lo, Math.min(query[0], query[1]));
        hi = Math.max(hi, Math.max(query[0], query[1]));
        if (output != null) {
            lo = Math.min(lo, Math.min(output[0], output[1]));
            hi = Math.max(hi, Math.max(output[0], output[1]));
        }
        double pad = Math.max(0.5, 0.15 * (hi - lo));
        // Extra room on the right for the labels, which are written to the right of the points.
        plot.getDomainAxis().setRange(lo - pad, hi + 4 * pad);
        plot.getRangeAxis().setRange(lo - pad, hi + pad);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setDomainZeroBaselineVisible(true);
        plot.setRangeZeroBaselineVisible(true);
        style(chart);
        return chart;
    }

    /** A vector as an arrow from the origin: a line for the shaft, a pointer for the head and label. */
    private static void addArrow(XYPlot plot, double[] to, String label, Color color, Font font) {
        plot.addAnnotation(new XYLineAnnotation(0, 0, to[0], to[1], new BasicStroke(1.5f), color));
        // The pointer's angle points from the tip back toward the origin: its head sits on the tip.
        double back = (to[0] == 0 && to[1] == 0) ? Math.PI / 4 : Math.atan2(-to[1], to[0]) + Math.PI;
        XYPointerAnnotation a = new XYPointerAnnotation(label, to[0], to[1], back);
        a.setPaint(color);
        a.setArrowPaint(color);
        a.setArrowStroke(new BasicStroke(1.5f));
        a.setFont(font);
        a.setTipRadius(6);
        a.setBaseRadius(6);
        a.setArrowLength(10);
        a.setArrowWidth(5);
        a.setLabelOffset(-6);
        a.setTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addAnnotation(a);
    }

    static String vec(double[] v) {
        return attnscope.toy.Fmt.vec(v);
    }

    /** Shared look: the same fonts and white background on every toy chart. */
    static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.getTitle().setFont(new Font(FONT, Font.BOLD, 16));
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(new Font(FONT, Font.PLAIN, 13));
        }
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.getDomainAxis().setLabelFont(new Font(FONT, Font.PLAIN, 13));
            xy.getRangeAxis().setLabelFont(new Font(FONT, Font.PLAIN, 13));
            xy.getDomainAxis().setTickLabelFont(new Font(FONT, Font.PLAIN, 12));
            xy.getRangeAxis().setTickLabelFont(new Font(FONT, Font.PLAIN, 12));
        } else if (chart.getPlot() instanceof CategoryPlot cp) {
            cp.getDomainAxis().setLabelFont(new Font(FONT, Font.PLAIN, 13));
            cp.getRangeAxis().setLabelFont(new Font(FONT, Font.PLAIN, 13));
            cp.getDomainAxis().setTickLabelFont(new Font(FONT, Font.PLAIN, 12));
            cp.getRangeAxis().setTickLabelFont(new Font(FONT, Font.PLAIN, 12));
        }
    }

    /** Draws a chart into an RGB image with fixed hints (the same pixels every time). */
    public static BufferedImage image(JFreeChart chart, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
        return img;
    }

    /** PNG bytes: no timestamp or other metadata, single-threaded compression (deterministic). */
    public static byte[] pngBytes(BufferedImage img) {
        return new PngEncoder().withBufferedImage(img).withMultiThreadedCompressionEnabled(false).toBytes();
    }

    /**
     * Writes PNG bytes to {@code file} through a temporary file in the same folder and an
     * atomic rename, so a reader never sees half a figure and a failure leaves the old file.
     */
    public static Path writeAtomically(byte[] bytes, Path file) {
        return write(bytes, file, FileSink.ATOMIC);
    }

    /** Draws and writes a chart as PNG. */
    public static Path writePng(JFreeChart chart, int width, int height, Path file) {
        return writePng(chart, width, height, file, FileSink.ATOMIC);
    }

    /** Draws a chart and writes it as PNG through {@code sink}. */
    public static Path writePng(JFreeChart chart, int width, int height, Path file, FileSink sink) {
        return write(pngBytes(image(chart, width, height)), file, sink);
    }

    /** Writes PNG bytes to {@code file} through {@code sink}; returns the file. */
    public static Path write(byte[] bytes, Path file, FileSink sink) {
        try {
            sink.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
