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
import org.jfree.chart.annotations.XYTextAnnotation;
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
    private static final Color VALUE_COLOR = new Color(0x8172B3);

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

    /** As {@link #vectors(String, List, double[][], double[][], double[], double[], String)} without the values. */
    public static JFreeChart vectors(String title, List<String> tokens, double[][] keys, double[] query, double[] output,
            String outputLabel) {
        return vectors(title, tokens, keys, null, query, output, outputLabel);
    }

    /**
     * Arrows from the origin to each key (labelled with its token), each value (dashed), the query
     * and the output, in 2-D, on axes with one scale: a unit is as long across as up, so the angle
     * between the query and a key (which decides their dot product) is the angle on the page. The
     * output is the weighted sum of the values, so it is drawn among them. Labels stand beside the
     * arrowheads, never on them; values that are the zero vector are named at the origin.
     *
     * @param tokens (T)
     * @param keys   (T, 2)
     * @param values (T, 2), or null
     * @param query  (2)
     * @param output (2), or null
     */
    public static JFreeChart vectors(String title, List<String> tokens, double[][] keys, double[][] values, double[] query,
            double[] output, String outputLabel) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries keySeries = new XYSeries("keys", false, true);
        for (double[] k : keys) {
            keySeries.add(k[0], k[1]);
        }
        XYSeries querySeries = new XYSeries("query", false, true);
        querySeries.add(query[0], query[1]);
        data.addSeries(keySeries);
        data.addSeries(querySeries);
        List<Color> colors = new java.util.ArrayList<>(List.of(KEY_COLOR, QUERY_COLOR));
        if (values != null) {
            XYSeries valueSeries = new XYSeries("values (dashed)", false, true);
            for (double[] v : values) {
                valueSeries.add(v[0], v[1]);
            }
            data.addSeries(valueSeries);
            colors.add(VALUE_COLOR);
        }
        if (output != null) {
            XYSeries outSeries = new XYSeries(outputLabel, false, true);
            outSeries.add(output[0], output[1]);
            data.addSeries(outSeries);
            colors.add(OUTPUT_COLOR);
        }
        // The bounds every vector must fit in, the origin included.
        double[] lo = {0, 0};
        double[] hi = {0, 0};
        List<double[]> all = new java.util.ArrayList<>(List.of(keys));
        all.add(query);
        if (values != null) {
            all.addAll(List.of(values));
        }
        if (output != null) {
            all.add(output);
        }
        for (double[] v : all) {
            for (int c = 0; c < 2; c++) {
                lo[c] = Math.min(lo[c], v[c]);
                hi[c] = Math.max(hi[c], v[c]);
            }
        }
        double span = Math.max(hi[0] - lo[0], hi[1] - lo[1]);
        // Room around the vectors for the labels beside their tips.
        double pad = Math.max(0.5, 0.22 * span);
        NumberAxis x = new NumberAxis("dimension 0");
        NumberAxis y = new NumberAxis("dimension 1");
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        // Labels run to the right of their anchor: more room on that side.
        EqualScalePlot plot = new EqualScalePlot(data, x, y, r, lo[0] - pad, hi[0] + pad + 0.4 * span, lo[1] - pad, hi[1] + pad);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        ChartFactory.getChartTheme().apply(chart);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            r.setSeriesPaint(s, colors.get(s));
            r.setSeriesShape(s, new java.awt.geom.Ellipse2D.Double(-4, -4, 8, 8));
        }
        Font labelFont = new Font(FONT, Font.PLAIN, 14);
        double head = 0.045 * span; // arrowhead length in data units: the same across and up
        List<String> zeroValues = new java.util.ArrayList<>();
        for (int j = 0; j < keys.length; j++) {
            addArrow(plot, keys[j], "k" + j + " " + tokens.get(j), KEY_COLOR, labelFont, head, false, lo[0] + 0.1 * span);
        }
        if (values != null) {
            for (int j = 0; j < values.length; j++) {
                if (values[j][0] == 0 && values[j][1] == 0) {
                    zeroValues.add("v" + j);
                } else {
                    addArrow(plot, values[j], "v" + j + " " + tokens.get(j), VALUE_COLOR, labelFont, head, true, lo[0] + 0.1 * span);
                }
            }
        }
        addArrow(plot, query, "query " + vec(query), QUERY_COLOR, labelFont, head, false, lo[0] + 0.1 * span);
        if (output != null) {
            addArrow(plot, output, outputLabel + " " + vec(output), OUTPUT_COLOR, labelFont, head, false, lo[0] + 0.1 * span);
        }
        if (!zeroValues.isEmpty()) {
            XYTextAnnotation zero = new XYTextAnnotation(String.join(", ", zeroValues) + " = (0, 0)", 0.03 * span, -0.04 * span);
            zero.setFont(labelFont);
            zero.setPaint(VALUE_COLOR);
            zero.setTextAnchor(TextAnchor.TOP_LEFT);
            plot.addAnnotation(zero);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setDomainZeroBaselineVisible(true);
        plot.setRangeZeroBaselineVisible(true);
        style(chart);
        return chart;
    }

    /**
     * An XY plot whose two axes have one scale (data units per pixel): before drawing, the axis
     * ranges are widened around the required bounds so that the data area's width and height hold
     * them at the same units per pixel.
     */
    static final class EqualScalePlot extends XYPlot {
        private static final long serialVersionUID = 1L;
        private final double xMin;
        private final double xMax;
        private final double yMin;
        private final double yMax;

        EqualScalePlot(XYSeriesCollection data, NumberAxis x, NumberAxis y, XYLineAndShapeRenderer r, double xMin, double xMax,
                double yMin, double yMax) {
            super(data, x, y, r);
            this.xMin = xMin;
            this.xMax = xMax;
            this.yMin = yMin;
            this.yMax = yMax;
            x.setRange(xMin, xMax);
            y.setRange(yMin, yMax);
        }

        @Override
        public void draw(Graphics2D g2, Rectangle2D area, java.awt.geom.Point2D anchor, org.jfree.chart.plot.PlotState parentState,
                org.jfree.chart.plot.PlotRenderingInfo info) {
            // Twice: the tick labels of the new ranges may take a little more or less room.
            for (int pass = 0; pass < 2; pass++) {
                Rectangle2D inner = (Rectangle2D) area.clone();
                getInsets().trim(inner);
                Rectangle2D dataArea = calculateAxisSpace(g2, inner).shrink(inner, null);
                getAxisOffset().trim(dataArea);
                double w = dataArea.getWidth();
                double h = dataArea.getHeight();
                if (w <= 0 || h <= 0) {
                    break;
                }
                double unitsPerPx = Math.max((xMax - xMin) / w, (yMax - yMin) / h);
                double cx = (xMin + xMax) / 2;
                double cy = (yMin + yMax) / 2;
                getDomainAxis().setRange(new org.jfree.data.Range(cx - unitsPerPx * w / 2, cx + unitsPerPx * w / 2), true, false);
                getRangeAxis().setRange(new org.jfree.data.Range(cy - unitsPerPx * h / 2, cy + unitsPerPx * h / 2), true, false);
            }
            super.draw(g2, area, anchor, parentState, info);
        }
    }

    /**
     * A vector as an arrow from the origin: a shaft, a filled head on the tip (in data units, which
     * the equal scales keep in shape), and the label beside the tip, offset to the left of the
     * arrow's direction and a little beyond it, anchored so that the text grows away from the arrow.
     */
    private static void addArrow(XYPlot plot, double[] to, String label, Color color, Font font, double head, boolean dashed,
            double leftEdge) {
        BasicStroke stroke = dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(2f);
        double len = Math.hypot(to[0], to[1]);
        if (len == 0) {
            return;
        }
        double ux = to[0] / len;
        double uy = to[1] / len;
        double h = Math.min(head, 0.5 * len);
        double bx = to[0] - h * ux;
        double by = to[1] - h * uy;
        plot.addAnnotation(new XYLineAnnotation(0, 0, bx, by, stroke, color));
        double half = 0.45 * h;
        plot.addAnnotation(new org.jfree.chart.annotations.XYPolygonAnnotation(new double[] {to[0], to[1], bx - half * uy, by + half * ux,
            bx + half * uy, by - half * ux}, new BasicStroke(1f), color, color));
        // Left of the direction (rotated +90°) and a little beyond the tip; to the right instead for an
        // arrow whose tip is at the left edge of the vectors, where a left label would leave the plot.
        double side = to[0] <= leftEdge && uy * 0.9 > 0 ? -1 : 1;
        double ox = 0.6 * h * ux - side * 0.9 * h * uy;
        double oy = 0.6 * h * uy + side * 0.9 * h * ux;
        XYTextAnnotation text = new XYTextAnnotation(label, to[0] + ox, to[1] + oy);
        text.setFont(font);
        text.setPaint(color);
        text.setTextAnchor(ox >= 0 ? (oy >= 0 ? TextAnchor.BOTTOM_LEFT : TextAnchor.TOP_LEFT)
                : (oy >= 0 ? TextAnchor.BOTTOM_RIGHT : TextAnchor.TOP_RIGHT));
        plot.addAnnotation(text);
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
