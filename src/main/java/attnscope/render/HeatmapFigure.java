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
        return layout.width;
    }

    @Override
    public int height() {
        return layout.height;
    }

    @Override
    public double minTextPx() {
        return options.minTextPx();
    }

    @Override
    public void draw(Graphics2D g) {
        draw(g, true);
    }

    /** The whole figure, or (for a {@link Template}) all but the title and subtitle. */
    private void draw(Graphics2D g, boolean withTitle) {
        Layout L = layout;
        double u = L.unit;
        int top = FigureStyle.banner(g, options.syntheticLabel(), L.width, u);
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
            drawLeakRings(g);
            drawPlotFrame(g);
            return;
        }
        float[] rowMax = new float[L.rows];
        for (int r = 0; r < L.rows; r++) {
            rowMax[r] = view.rowMax(r);
        }
        // Each visible cell reaches 1 px into its right and lower neighbours, which are drawn later
        // and cover that pixel (or the masked region does): the raster is unchanged, but SVG and PDF
        // viewers, which anti-alias every edge, show no hairline seams between cells.
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
        }
        // All masked cells are one shape with one hatching: a few elements in SVG and PDF however
        // many cells there are (a causal mask is one staircase polygon).
        java.awt.geom.Area region = new java.awt.geom.Area();
        for (int r = 0; r < L.rows; r++) {
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
                region.add(new java.awt.geom.Area(new java.awt.Rectangle(L.xEdges[start], L.yEdges[r],
                        L.xEdges[c] - L.xEdges[start], L.yEdges[r + 1] - L.yEdges[r])));
            }
        }
        FigureStyle.hairline(g, (float) Math.max(1, Math.round(1.5 * L.unit)));
        FigureStyle.maskedShape(g, region, Math.max(6, 9 * L.unit));
        if (L.valueFont != null) {
            drawValues(g, rowMax);
        }
        drawLeakOutlines(g);
        drawPlotFrame(g);
    }

    /** Above this many leaking cells a ring around each would only hide the cells: the red frame and legend say it. */
    static final int MAX_LEAK_RINGS = 500;

    /**
     * Cells a pixel or two wide: a red ring around each leaking cell, so that even one weight above
     * the diagonal in a 2000-token figure is found at a glance.
     */
    private void drawLeakRings(Graphics2D g) {
        Layout L = layout;
        if (!leaks().any() || leaks().count() > MAX_LEAK_RINGS) {
            return;
        }
        double radius = Math.max(6, 14 * L.unit);
        g.setColor(FigureStyle.LEAK);
        FigureStyle.hairline(g, (float) Math.max(2, Math.round(3 * L.unit)));
        FigureStyle.antialias(g, true);
        for (int r = 0; r < L.rows; r++) {
            for (int c = 0; c < L.cols; c++) {
                if (view.isLeak(r, c)) {
                    g.draw(new java.awt.geom.Ellipse2D.Double(L.centre(L.xEdges, c) - radius, L.centre(L.yEdges, r) - radius,
                            2 * radius, 2 * radius));
                }
            }
        }
        FigureStyle.antialias(g, false);
    }

    /**
     * A red outline inside every cell where the mask applies but the model put a weight: a leaking
     * mask cannot pass for a correct one, however small the weight (its colour alone might be dark).
     */
    private void drawLeakOutlines(Graphics2D g) {
        Layout L = layout;
        float stroke = (float) Math.max(2, Math.round(4 * L.unit));
        g.setColor(FigureStyle.LEAK);
        FigureStyle.hairline(g, stroke);
        int inset = (int) Math.ceil(stroke / 2);
        for (int r = 0; r < L.rows; r++) {
            for (int c = 0; c < L.cols; c++) {
                if (view.isLeak(r, c)) {
                    g.drawRect(L.xEdges[c] + inset, L.yEdges[r] + inset, L.xEdges[c + 1] - L.xEdges[c] - 2 * inset,
                            L.yEdges[r + 1] - L.yEdges[r] - 2 * inset);
                }
            }
        }
    }

    private void drawPlotFrame(Graphics2D g) {
        Layout L = layout;
        boolean leaks = leaks().any();
        g.setColor(leaks ? FigureStyle.LEAK : FigureStyle.FRAME);
        FigureStyle.hairline(g, leaks ? (float) Math.max(2, Math.round(4 * L.unit)) : 1f);
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
            FigureStyle.textRight(g, L.labelFont, FigureStyle.TEXT, tick(view.rowLabels(), r), L.plotX - gap,
                    L.centre(L.yEdges, r) + base);
        }
        int bottom = L.yEdges[L.rows];
        for (int c = 0; c < L.cols; c += L.stride) {
            FigureStyle.textUpEndingAt(g, L.labelFont, FigureStyle.TEXT, tick(view.colLabels(), c),
                    L.centre(L.xEdges, c) + base, bottom + gap);
        }
    }

    /** A tick label: the token, and its position when cells are smaller than a pixel ("1200 ␣the"). */
    private String tick(List<String> labels, int i) {
        return layout.cellsPerPixel > 1 ? i + " " + labels.get(i) : labels.get(i);
    }

    private void drawLegend(Graphics2D g, double y) {
        Layout L = layout;
        Font f = FigureStyle.font((float) (22 * L.unit), false);
        int box = (int) Math.round(26 * L.unit);
        int x = L.plotX;
        String note;
        MatrixView.Leaks leaks = leaks();
        if (leaks.any()) {
            note = leaks.sentence(view.maskPlace()) + " (red) · grey: weight exactly 0";
        } else if (view.causal()) {
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
        FigureStyle.text(g, leaks.any() ? FigureStyle.font((float) (22 * L.unit), true) : f,
                leaks.any() ? FigureStyle.LEAK : FigureStyle.MUTED, note, x, y + box / 2.0 + FigureStyle.centreToBaseline(f));
        if (L.cellsPerPixel > 1) {
            // a second line: the plot is then smaller than the room laid out for it, so there is space
            FigureStyle.text(g, f, FigureStyle.MUTED, "each pixel = " + L.cellsPerPixel + " × " + L.cellsPerPixel
                    + " cells, showing their largest weight · every " + L.stride + "th position labelled", L.plotX,
                    y + box + 14 * L.unit + f.getSize2D());
        }
    }

    /** The view's leaking cells, counted once per figure. */
    private MatrixView.Leaks leaks() {
        if (leaks == null) {
            leaks = view.leaks();
        }
        return leaks;
    }

    private MatrixView.Leaks leaks;

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
                    && a.causal() == b.causal() && a.masked() == null && b.masked() == null
                    // the template holds the model head's masked cells: both must mask exactly where the mask applies
                    && !model.leaks().any() && !figure.leaks().any();
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
            int width = L.width;
            int[] out = FigureWriter.pixels(canvas);
            System.arraycopy(pixels, 0, out, 0, L.plotY * width);
            Graphics2D g = canvas.createGraphics();
            try {
                FigureWriter.prepare(g);
                FigureWriter.requireText(g, figure.minTextPx());
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
        /** The canvas: a square of the options' size, or the projector's landscape canvas. */
        final int width;
        final int height;
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
        /** k: each pixel shows k × k cells (their largest weight); 1 when cells are at least a pixel. */
        final int cellsPerPixel;

        private Layout(int rows, int cols, int width, int height, double unit, double margin, Font labelFont, int stride,
                double labelExtent, int plotX, int plotY, int[] xEdges, int[] yEdges, Font valueFont, int cellsPerPixel) {
            this.rows = rows;
            this.cols = cols;
            this.width = width;
            this.height = height;
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
            this.cellsPerPixel = cellsPerPixel;
        }

        /** Lays out a heatmap with these row and column labels (already display labels). */
        public static Layout of(List<String> rowLabels, List<String> colLabels, FigureOptions options) {
            int rows = rowLabels.size();
            int cols = colLabels.size();
            Projector projector = options.projector();
            int width = projector == null ? options.size() : projector.width();
            int height = projector == null ? options.size() : projector.height();
            int size = Math.min(width, height);
            double u = options.unit();
            // The smallest tick label: 9 px on a page; on a projector the minimum text size, with
            // labels decimated (every stride-th) when cells are smaller than that.
            float minLabel = (float) Math.max(9, options.minTextPx());
            double margin = 30 * u;
            boolean banner = options.syntheticLabel() != null && !options.syntheticLabel().isEmpty();
            double top = (banner ? 52 * u : 0) + 24 * u + 40 * u + 12 * u + 24 * u + 30 * u;
            double axisBand = 26 * u + 16 * u;
            double legendBand = 20 * u + 26 * u;
            double right = 30 * u + FigureStyle.colorBarWidth(options.scale(), u) + margin;

            // Label size and cell size depend on each other: labels as large as 28u but no larger
            // than 70 % of a cell; smaller labels leave more room for cells, so iterate twice.
            float labelSize = (float) Math.max(minLabel, 28 * u);
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
                if (Math.max(rows, cols) > size / 2) {
                    // room for the position written before decimated labels ("1200 ␣the")
                    extent += FigureStyle.width(labelFont, Math.max(rows, cols) + " ");
                }
                double left = margin + axisBand + extent + 8 * u;
                double bottom = 8 * u + extent + 14 * u + axisBand + legendBand + margin;
                double availW = width - left - right;
                double availH = height - top - bottom;
                cell = Math.min(availW / cols, availH / rows);
                float fits = (float) Math.min(28 * u, 0.7 * cell);
                if (fits >= labelSize - 0.25f || labelSize <= minLabel) {
                    break;
                }
                labelSize = Math.max(minLabel, fits);
            }
            // More tokens than pixels (T = 2000 in a 1300 px plot): blocks of k × k cells become one
            // pixel showing their largest weight (CellImage), and every stride-th position is labelled.
            int cellsPerPixel = 1;
            if (cell < 1) {
                double left = margin + axisBand + extent + 8 * u;
                double bottom = 8 * u + extent + 14 * u + axisBand + legendBand + margin;
                int side = (int) Math.floor(Math.min(width - left - right, height - top - bottom));
                if (side < 16) {
                    throw new IllegalArgumentException("A " + size + " px figure has no room for its plot: use a larger size");
                }
                int k = (Math.max(rows, cols) + side - 1) / side;
                cellsPerPixel = Math.max(1, CellImage.cellsPerPixel(Math.max(rows, cols),
                        (Math.max(rows, cols) + k - 1) / k));
                if (cellsPerPixel == 1) {
                    cellsPerPixel = k;
                }
                cell = 1.0 / cellsPerPixel;
            }
            // With more tokens than the labels fit, draw every stride-th label at the smallest size
            // (a round stride, 1, 2, 5, 10, 20, 50 …, when positions are also written).
            int stride = Math.max(1, (int) Math.ceil(labelFont.getSize2D() / (0.95 * cell)));
            if (cellsPerPixel > 1) {
                stride = roundUp(stride);
            }
            int plotX = (int) Math.round(margin + axisBand + extent + 8 * u);
            int plotY = (int) Math.round(top);
            int[] xEdges = edges(cols, cell, cellsPerPixel, plotX);
            int[] yEdges = edges(rows, cell, cellsPerPixel, plotY);
            double valueSize = Math.min(28 * u, cell * 0.26);
            Font valueFont = cell >= 60 * u && valueSize >= options.minTextPx() ? FigureStyle.font((float) valueSize, false) : null;
            return new Layout(rows, cols, width, height, u, margin, labelFont, stride, extent, plotX, plotY, xEdges, yEdges,
                    valueFont, cellsPerPixel);
        }

        /**
         * Cell edges from {@code origin}: cell i spans [edges[i], edges[i+1]). With k cells per pixel,
         * cell i lies in pixel i / k, and the last edge closes the last pixel.
         */
        private static int[] edges(int n, double cell, int cellsPerPixel, int origin) {
            int[] e = new int[n + 1];
            for (int i = 0; i <= n; i++) {
                e[i] = origin + (cellsPerPixel > 1 ? i / cellsPerPixel : (int) Math.round(i * cell));
            }
            if (cellsPerPixel > 1) {
                e[n] = origin + (n + cellsPerPixel - 1) / cellsPerPixel;
            }
            return e;
        }

        /** The smallest of 1, 2, 5, 10, 20, 50, … at least {@code n}. */
        static int roundUp(int n) {
            for (long p = 1; ; p *= 10) {
                for (long m : new long[] {1, 2, 5}) {
                    if (m * p >= n) {
                        return (int) Math.min(Integer.MAX_VALUE, m * p);
                    }
                }
            }
        }

        /** The centre of row or column i on its axis (cells smaller than a pixel share one). */
        double centre(int[] edges, int i) {
            return cellsPerPixel > 1 ? edges[0] + (i + 0.5) / cellsPerPixel : (edges[i] + edges[i + 1]) / 2.0;
        }

        /** Cells per pixel along each axis: 1 unless there are more tokens than pixels. */
        public int cellsPerPixel() {
            return cellsPerPixel;
        }
    }
}
