package attnscope.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One matrix as a square-celled heatmap: query rows down, key columns across, a token label on
 * each axis, viridis colours on a fixed scale with a colour bar, masked cells grey and hatched
 * (never confused with a weight of 0, which is viridis's dark purple), and a legend line saying
 * what the grey means. Cells are filled rectangles, so SVG and PDF stay vector.
 */
public final class HeatmapFigure implements Figure {
    /** Axis titles for attention patterns. The query title is drawn turned 90°, so its "←" points down. */
    public static final String QUERY_AXIS = "←  query position (attending)";
    public static final String KEY_AXIS = "key position (attended to)  →";

    private final MatrixView view;
    private final Layout layout;
    private final String title;
    private final String subtitle;
    private final String rowAxis;
    private final String colAxis;
    private final FigureOptions options;

    /**
     * @param view     the matrix
     * @param layout   geometry from {@link Layout#of} (share it between figures of the same shape and labels)
     * @param title    e.g. "layer 3 · head 5 (KV head 0)"
     * @param subtitle a second line (what is drawn), or null
     * @param rowAxis  the vertical axis title ({@link #QUERY_AXIS} for patterns)
     * @param colAxis  the horizontal axis title ({@link #KEY_AXIS} for patterns)
     */
    public HeatmapFigure(MatrixView view, Layout layout, String title, String subtitle, String rowAxis, String colAxis,
            FigureOptions options) {
        if (layout.rows != view.rows() || layout.cols != view.cols()) {
            throw new IllegalArgumentException("Expected a layout for " + view.rows() + "×" + view.cols()
                    + " cells but found one for " + layout.rows + "×" + layout.cols);
        }
        this.view = view;
        this.layout = layout;
        this.title = title;
        this.subtitle = subtitle;
        this.rowAxis = rowAxis;
        this.colAxis = colAxis;
        this.options = options;
    }

    /** A pattern heatmap with the attention axis titles and a layout of its own. */
    public static HeatmapFigure pattern(MatrixView view, String title, String subtitle, FigureOptions options) {
        return new HeatmapFigure(view, Layout.of(view.rowLabels(), view.colLabels(), options), title, subtitle,
                QUERY_AXIS, KEY_AXIS, options);
    }

    @Override
    public int width() {
        return layout.size;
    }

    @Override
    public int height() {
        return layout.size;
    }

    @Override
    public void draw(Graphics2D g) {
        draw(g, true);
    }

    /** The whole figure, or (for a {@link Template}) all but the title and subtitle. */
    private void draw(Graphics2D g, boolean withTitle) {
        Layout L = layout;
        double u = L.unit;
        int top = FigureStyle.banner(g, options.syntheticLabel(), L.size, u);
        if (withTitle) {
            drawTitle(g, top);
        }
        drawCells(g);
        drawTickLabels(g);

        Font axis = FigureStyle.font((float) (26 * u), false);
        int plotW = L.xEdges[L.cols] - L.xEdges[0];
        int plotH = L.yEdges[L.rows] - L.yEdges[0];
        FigureStyle.textUp(g, axis, FigureStyle.TEXT, rowAxis, L.margin + axis.getSize2D(), L.plotY + plotH / 2.0);
        double axisBaseline = L.plotY + plotH + 8 * u + L.labelExtent + 14 * u + axis.getSize2D();
        FigureStyle.textCentred(g, axis, FigureStyle.TEXT, colAxis, L.plotX + plotW / 2.0, axisBaseline);

        drawLegend(g, axisBaseline + 20 * u);
        FigureStyle.colorBar(g, options.scale(), (int) Math.round(L.plotX + plotW + 30 * u), L.plotY,
                (int) Math.round(34 * u), plotH, u);
    }

    private void drawTitle(Graphics2D g, int top) {
        double u = layout.unit;
        Font titleFont = FigureStyle.font((float) (40 * u), true);
        double y = top + 24 * u + titleFont.getSize2D();
        FigureStyle.text(g, titleFont, FigureStyle.TEXT, title, layout.margin, y);
        if (subtitle != null) {
            Font sub = FigureStyle.font((float) (24 * u), false);
            FigureStyle.text(g, sub, FigureStyle.MUTED, subtitle, layout.margin, y + 12 * u + sub.getSize2D());
        }
    }

    /**
     * Above this many cells (T &gt; 128) cells are painted into one image instead of one rectangle
     * each: a million rectangles would be slow to draw and huge in SVG. Masked cells are then
     * plain grey, since hatching a pixel-sized cell shows nothing.
     */
    static final int MAX_VECTOR_CELLS = 128 * 128;

    private boolean hatched() {
        return layout.rows * layout.cols <= MAX_VECTOR_CELLS;
    }

    private void drawCells(Graphics2D g) {
        Layout L = layout;
        FigureStyle.antialias(g, false);
        if (!hatched()) {
            int w = L.xEdges[L.cols] - L.xEdges[0];
            int h = L.yEdges[L.rows] - L.yEdges[0];
            g.drawImage(CellImage.of(view, options.scale(), w, h), L.xEdges[0], L.yEdges[0], null);
            g.setColor(FigureStyle.FRAME);
            FigureStyle.hairline(g, 1f);
            g.drawRect(L.xEdges[0], L.yEdges[0], w, h);
            return;
        }
        float[] rowMax = new float[L.rows];
        for (int r = 0; r < L.rows; r++) {
            rowMax[r] = view.rowMax(r);
        }
        // Rows are drawn top to bottom, each row's cells left to right and then its masked runs.
        // Each shape reaches 1 px into the neighbour drawn after it, which then covers that pixel:
        // the raster is unchanged, but SVG and PDF viewers, which anti-alias every edge, show no
        // hairline seams between cells.
        FigureStyle.hairline(g, (float) Math.max(1, Math.round(1.5 * L.unit)));
        double spacing = Math.max(6, 9 * L.unit);
        int lastRgb = -1;
        for (int r = 0; r < L.rows; r++) {
            int y0 = L.yEdges[r];
            int h = L.yEdges[r + 1] - y0 + (r + 1 < L.rows ? 1 : 0);
            for (int c = 0; c < L.cols; c++) {
                if (view.isMasked(r, c)) {
                    continue;
                }
                int rgb = view.rgb(r, c, options.scale(), rowMax[r]);
                if (rgb != lastRgb) {
                    g.setColor(FigureStyle.color(rgb));
                    lastRgb = rgb;
                }
                g.fillRect(L.xEdges[c], y0, L.xEdges[c + 1] - L.xEdges[c] + (c + 1 < L.cols ? 1 : 0), h);
            }
            // Each run of masked cells is one rectangle (for a causal mask, one per row): far
            // fewer shapes than one per cell.
            int c = 0;
            while (c < L.cols) {
                if (!view.isMasked(r, c)) {
                    c++;
                    continue;
                }
                int start = c;
                while (c < L.cols && view.isMasked(r, c)) {
                    c++;
                }
                FigureStyle.maskedRect(g, L.xEdges[start], y0, L.xEdges[c] - L.xEdges[start], h, spacing);
                lastRgb = -1;
            }
        }
        if (L.valueFont != null) {
            drawValues(g, rowMax);
        }
        drawPlotFrame(g);
    }

    private void drawPlotFrame(Graphics2D g) {
        Layout L = layout;
        g.setColor(FigureStyle.FRAME);
        FigureStyle.hairline(g, 1f);
        g.drawRect(L.xEdges[0], L.yEdges[0], L.xEdges[L.cols] - L.xEdges[0], L.yEdges[L.rows] - L.yEdges[0]);
    }

    /** Large cells (a handout's 5 × 5 matrix) also show their numbers. */
    private void drawValues(Graphics2D g, float[] rowMax) {
        Layout L = layout;
        double base = FigureStyle.centreToBaseline(L.valueFont);
        for (int r = 0; r < L.rows; r++) {
            double cy = (L.yEdges[r] + L.yEdges[r + 1]) / 2.0;
            for (int c = 0; c < L.cols; c++) {
                if (view.isMasked(r, c)) {
                    continue;
                }
                double t = options.scale().position(view.value(r, c), rowMax[r]);
                // Viridis is dark below ~0.6 and light above: white text on dark, black on light.
                Color ink = t < 0.6 ? Color.WHITE : Color.BLACK;
                double cx = (L.xEdges[c] + L.xEdges[c + 1]) / 2.0;
                FigureStyle.textCentred(g, L.valueFont, ink, String.format(java.util.Locale.ROOT, "%.2f", view.value(r, c)),
                        cx, cy + base);
            }
        }
    }

    private void drawTickLabels(Graphics2D g) {
        Layout L = layout;
        double base = FigureStyle.centreToBaseline(L.labelFont);
        double gap = 8 * L.unit;
        for (int r = 0; r < L.rows; r += L.stride) {
            double cy = (L.yEdges[r] + L.yEdges[r + 1]) / 2.0;
            FigureStyle.textRight(g, L.labelFont, FigureStyle.TEXT, view.rowLabels().get(r), L.plotX - gap, cy + base);
        }
        int bottom = L.yEdges[L.rows];
        for (int c = 0; c < L.cols; c += L.stride) {
            double cx = (L.xEdges[c] + L.xEdges[c + 1]) / 2.0;
            FigureStyle.textUpEndingAt(g, L.labelFont, FigureStyle.TEXT, view.colLabels().get(c), cx + base, bottom + gap);
        }
    }

    private void drawLegend(Graphics2D g, double y) {
        Layout L = layout;
        Font f = FigureStyle.font((float) (22 * L.unit), false);
        int box = (int) Math.round(26 * L.unit);
        int x = L.plotX;
        String note;
        if (view.causal()) {
            note = "masked: key after the query (causal mask, −∞ before softmax, weight exactly 0)";
        } else if (view.anyMasked()) {
            note = "masked cell (−∞ before softmax, weight exactly 0)";
        } else {
            note = "no masked cells: every query sees every key";
        }
        if (view.anyMasked()) {
            FigureStyle.hairline(g, (float) Math.max(1, Math.round(1.5 * L.unit)));
            FigureStyle.maskedRect(g, x, (int) Math.round(y), box, box,
                    hatched() ? Math.max(6, 9 * L.unit) : Double.POSITIVE_INFINITY);
            g.setColor(FigureStyle.FRAME);
            FigureStyle.hairline(g, 1f);
            g.drawRect(x, (int) Math.round(y), box, box);
            x += box + (int) Math.round(12 * L.unit);
        }
        FigureStyle.text(g, f, FigureStyle.MUTED, note, x, y + box / 2.0 + FigureStyle.centreToBaseline(f));
    }

    /**
     * The pixels that the heatmaps of one lesson share, drawn once: every head of a layout has the
     * same banner, tick labels, axis titles, masked cells, legend and colour bar; only the title,
     * the visible cells and the frame over them differ. A head is then the template with its title
     * drawn in the band above the plot and its cells written straight into the raster — the same
     * pixels as drawing the whole figure (LessonFiguresTest compares them), for a fraction of the work.
     *
     * <p>Applies to heatmaps of one layout without numbers in the cells, whose views mask the same
     * cells (see {@link #fits}).
     */
    static final class Template {
        private final HeatmapFigure model;
        private final int[] pixels;

        private Template(HeatmapFigure model, int[] pixels) {
            this.model = model;
            this.pixels = pixels;
        }

        /** Whether heatmaps like {@code figure} can be drawn from a template. */
        static boolean possible(HeatmapFigure figure) {
            return figure.layout.valueFont == null;
        }

        /** Draws the shared parts of heatmaps like {@code figure} (its own title and cells do not matter). */
        static Template of(HeatmapFigure figure) {
            if (!possible(figure)) {
                throw new IllegalArgumentException("heatmaps with numbers in their cells are drawn whole");
            }
            return new Template(figure, FigureWriter.pixels(FigureWriter.raster(figure, g -> figure.draw(g, false))));
        }

        /** Whether {@code figure} shares this template's pixels outside its title and cells. */
        boolean fits(HeatmapFigure figure) {
            MatrixView a = model.view;
            MatrixView b = figure.view;
            return figure.layout == model.layout && figure.options.equals(model.options)
                    && figure.rowAxis.equals(model.rowAxis) && figure.colAxis.equals(model.colAxis)
                    && a.causal() == b.causal() && a.masked() == null && b.masked() == null;
        }

        /** A raster for {@link #draw}: a copy of the template. Reuse it for the next head. */
        BufferedImage canvas() {
            BufferedImage image = FigureWriter.blankRaster(model);
            System.arraycopy(pixels, 0, FigureWriter.pixels(image), 0, pixels.length);
            return image;
        }

        /**
         * Draws {@code figure} onto a canvas of this template (left by the previous head or fresh):
         * the band above the plot (banner and title) is reset from the template and the title drawn
         * there, the cells are written over the previous head's, and the frame drawn over them, in
         * the order the whole figure draws them.
         */
        void draw(HeatmapFigure figure, BufferedImage canvas) {
            if (!fits(figure)) {
                throw new IllegalArgumentException("this heatmap does not fit the template");
            }
            Layout L = figure.layout;
            int width = L.size;
            int[] out = FigureWriter.pixels(canvas);
            System.arraycopy(pixels, 0, out, 0, L.plotY * width);
            Graphics2D g = canvas.createGraphics();
            try {
                FigureWriter.prepare(g);
                figure.drawTitle(g, FigureStyle.bannerHeight(figure.options.syntheticLabel(), L.unit));
                figure.writeCells(out, width);
                FigureStyle.antialias(g, false);
                figure.drawPlotFrame(g);
            } finally {
                g.dispose();
            }
        }
    }

    /**
     * The cells as drawCells leaves them, written into an RGB raster {@code width} pixels wide:
     * each visible cell fills its own rectangle (drawCells' 1 px overlaps are always covered by the
     * neighbour drawn next), masked cells are left as they are (the template has them). Large
     * matrices are the same {@link CellImage} drawCells draws.
     */
    private void writeCells(int[] out, int width) {
        Layout L = layout;
        if (!hatched()) {
            int w = L.xEdges[L.cols] - L.xEdges[0];
            int h = L.yEdges[L.rows] - L.yEdges[0];
            CellImage.paint(view, options.scale(), w, h, out, width, L.xEdges[0], L.yEdges[0]);
            return;
        }
        for (int r = 0; r < L.rows; r++) {
            float rowMax = view.rowMax(r);
            int top = L.yEdges[r];
            // The band's first pixel row is filled cell by cell; every later row of the band is the
            // same, so each run of visible cells is copied down whole (one copy per row and run, not
            // one fill per row and cell: a causal row's visible cells are a single run).
            for (int c = 0; c < L.cols; c++) {
                if (view.isMasked(r, c)) {
                    continue;
                }
                // Java2D's fill writes an opaque alpha byte into TYPE_INT_RGB pixels: so does this.
                int rgb = 0xFF000000 | view.rgb(r, c, options.scale(), rowMax);
                java.util.Arrays.fill(out, top * width + L.xEdges[c], top * width + L.xEdges[c + 1], rgb);
            }
            for (int c = 0; c < L.cols; ) {
                if (view.isMasked(r, c)) {
                    c++;
                    continue;
                }
                int end = c + 1;
                while (end < L.cols && !view.isMasked(r, end)) {
                    end++;
                }
                int from = top * width + L.xEdges[c];
                int length = L.xEdges[end] - L.xEdges[c];
                for (int y = top + 1; y < L.yEdges[r + 1]; y++) {
                    System.arraycopy(out, from, out, y * width + L.xEdges[c], length);
                }
                c = end;
            }
        }
    }

    /**
     * Where everything goes in a heatmap of a given shape, labels and size: computed once and
     * shared by every head of a lesson (all have the same tokens), so text is measured once.
     */
    public static final class Layout {
        final int rows;
        final int cols;
        final int size;
        final double unit;
        final double margin;
        final Font labelFont;
        /** Every stride-th tick label is drawn, so that labels never overlap. */
        final int stride;
        /** The widest tick label, in px. */
        final double labelExtent;
        final int plotX;
        final int plotY;
        /** Cell edges: column c spans [xEdges[c], xEdges[c+1]); integer so raster cells are crisp. */
        final int[] xEdges;
        final int[] yEdges;
        /** Font for numbers inside cells, or null when cells are too small for them. */
        final Font valueFont;

        private Layout(int rows, int cols, int size, double unit, double margin, Font labelFont, int stride,
                double labelExtent, int plotX, int plotY, int[] xEdges, int[] yEdges, Font valueFont) {
            this.rows = rows;
            this.cols = cols;
            this.size = size;
            this.unit = unit;
            this.margin = margin;
            this.labelFont = labelFont;
            this.stride = stride;
            this.labelExtent = labelExtent;
            this.plotX = plotX;
            this.plotY = plotY;
            this.xEdges = xEdges;
            this.yEdges = yEdges;
            this.valueFont = valueFont;
        }

        /** Lays out a heatmap with these row and column labels (already display labels). */
        public static Layout of(List<String> rowLabels, List<String> colLabels, FigureOptions options) {
            int rows = rowLabels.size();
            int cols = colLabels.size();
            int size = options.size();
            double u = size / 1600.0;
            double margin = 30 * u;
            boolean banner = options.syntheticLabel() != null && !options.syntheticLabel().isEmpty();
            double top = (banner ? 52 * u : 0) + 24 * u + 40 * u + 12 * u + 24 * u + 30 * u;
            double axisBand = 26 * u + 16 * u;
            double legendBand = 20 * u + 26 * u;
            double right = 30 * u + FigureStyle.colorBarWidth(options.scale(), u) + margin;

            // Label size and cell size depend on each other: labels as large as 28u but no larger
            // than 70 % of a cell; smaller labels leave more room for cells, so iterate twice.
            float labelSize = (float) Math.max(9, 28 * u);
            double cell = 0;
            double extent = 0;
            Font labelFont = null;
            for (int pass = 0; pass < 3; pass++) {
                labelFont = FigureStyle.font(labelSize, false);
                extent = 0;
                for (String s : rowLabels) {
                    extent = Math.max(extent, FigureStyle.width(labelFont, s));
                }
                for (String s : colLabels) {
                    extent = Math.max(extent, FigureStyle.width(labelFont, s));
                }
                double left = margin + axisBand + extent + 8 * u;
                double bottom = 8 * u + extent + 14 * u + axisBand + legendBand + margin;
                double availW = size - left - right;
                double availH = size - top - bottom;
                cell = Math.min(availW / cols, availH / rows);
                float fits = (float) Math.min(28 * u, 0.7 * cell);
                if (fits >= labelSize - 0.25f || labelSize <= 9) {
                    break;
                }
                labelSize = Math.max(9, fits);
            }
            if (cell < 1) {
                throw new IllegalArgumentException("A " + size + " px figure has no room for " + rows + "×" + cols
                        + " cells: use a larger size");
            }
            // With more tokens than the labels fit, draw every stride-th label at the smallest size.
            int stride = Math.max(1, (int) Math.ceil(labelFont.getSize2D() / (0.95 * cell)));
            int plotX = (int) Math.round(margin + axisBand + extent + 8 * u);
            int plotY = (int) Math.round(top);
            int[] xEdges = new int[cols + 1];
            int[] yEdges = new int[rows + 1];
            for (int c = 0; c <= cols; c++) {
                xEdges[c] = plotX + (int) Math.round(c * cell);
            }
            for (int r = 0; r <= rows; r++) {
                yEdges[r] = plotY + (int) Math.round(r * cell);
            }
            Font valueFont = cell >= 60 * u ? FigureStyle.font((float) Math.min(28 * u, cell * 0.26), false) : null;
            return new Layout(rows, cols, size, u, margin, labelFont, stride, extent, plotX, plotY, xEdges, yEdges,
                    valueFont);
        }
    }
}
