package attnscope.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.util.List;
import java.util.Locale;

/**
 * One query's row of the pattern as bars over the keys, one panel per chosen head: how much
 * "it" attends to each earlier token. Heights are weights on a fixed 0–1 axis (the bars of a
 * row sum to 1); bars take the heatmap's viridis colour; keys the query cannot see are grey and
 * hatched. Drawn directly like the heatmaps (no chart library) for speed and identical bytes.
 */
final class RowViewFigure implements Figure {
    private final PatternSet set;
    private final int query;
    /** The keys shown, [k0, k1): all, or a projector window's. */
    private final int k0;
    private final int k1;
    private final List<Integer> heads;
    private final FigureOptions options;
    private final double unit;
    private final int width;
    private final int height;
    private final int left;
    private final int top;
    private final int panelHeight;
    private final int panelGap;
    private final int plotWidth;
    private final Font labelFont;
    private final double labelExtent;

    RowViewFigure(PatternSet set, int query, List<Integer> heads, FigureOptions options) {
        if (query < 0 || query >= set.tokens()) {
            throw new IllegalArgumentException("Query position " + query + " outside 0.." + (set.tokens() - 1));
        }
        if (heads.isEmpty()) {
            throw new IllegalArgumentException("Expected at least one head for the row view");
        }
        for (int h : heads) {
            if (h < 0 || h >= set.heads()) {
                throw new IllegalArgumentException("Head " + h + " outside 0.." + (set.heads() - 1));
            }
        }
        this.set = set;
        this.query = query;
        this.heads = List.copyOf(heads);
        this.options = options;
        Projector projector = options.projector();
        Projector.Window window = projector == null || projector.window() == null ? null
                : projector.window().clip(set.tokens());
        this.k0 = window == null ? 0 : window.k0();
        this.k1 = window == null ? set.tokens() : window.k1();
        int keys = k1 - k0;
        this.unit = options.unit();
        this.width = projector != null ? projector.width() : (int) Math.round(2000 * unit);
        this.left = (int) Math.round(250 * unit);
        this.plotWidth = (int) Math.round(width - left - 50 * unit);
        double bar = plotWidth / (double) keys;
        this.labelFont = FigureStyle.font((float) Math.max(Math.max(9, options.minTextPx()), Math.min(22 * unit, 0.75 * bar)),
                false);
        double extent = 0;
        for (String s : set.labels().subList(k0, k1)) {
            extent = Math.max(extent, FigureStyle.width(labelFont, s));
        }
        if (keys > plotWidth / 2 || window != null) {
            extent += FigureStyle.width(labelFont, k1 + " "); // decimated or windowed labels carry their position
        }
        this.labelExtent = extent;
        boolean banner = options.syntheticLabel() != null && !options.syntheticLabel().isEmpty();
        this.top = (int) Math.round((banner ? 52 : 0) * unit + 150 * unit);
        this.panelGap = (int) Math.round(30 * unit);
        if (projector == null) {
            this.panelHeight = (int) Math.round((heads.size() <= 4 ? 300 : 170) * unit);
            this.height = (int) Math.round(top + heads.size() * (panelHeight + panelGap) + 12 * unit + extent
                    + 100 * unit);
        } else {
            // Landscape: the chosen heads share the projector's height.
            this.height = projector.height();
            this.panelHeight = Math.max(20, (int) Math.floor((height - top - 12 * unit - extent - 100 * unit) / heads.size()
                    - panelGap));
        }
    }

    @Override
    public double minTextPx() {
        return options.minTextPx();
    }

    /** The leaks in the query's row of a head. */
    private MatrixView.Leaks rowLeaks(MatrixView view) {
        long count = 0;
        float max = 0;
        for (int k = k0; k < k1; k++) {
            if (view.isLeak(query, k)) {
                count++;
                max = Math.max(max, view.value(query, k));
            }
        }
        return new MatrixView.Leaks(count, max);
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public void draw(Graphics2D g) {
        double u = unit;
        int t = k1 - k0; // the keys drawn; key k0 + i is bar i (or in bar group i)
        FigureStyle.header(g, options, width, u, 40 * u, "layer " + set.layer() + " · query " + query + " “"
                + set.labels().get(query) + "”: its weights over the keys", "one row of the pattern per head; each row sums to 1"
                + (k0 > 0 || k1 < set.tokens() ? " (keys " + k0 + "–" + (k1 - 1) + " of " + set.tokens() + " shown)" : "")
                + (set.causal() ? "; keys after the query are masked" : ""));

        // One bar per key, or, with more keys than fit 2 px bars, one bar per group of keys showing
        // their largest weight (so a single weight, a leak above all, never drops out).
        int bars = Math.min(t, Math.max(1, plotWidth / 2));
        int[][] spans = CellImage.spans(t, bars);
        int perBar = CellImage.cellsPerPixel(t, bars);
        int[] xEdges = new int[bars + 1];
        for (int k = 0; k <= bars; k++) {
            xEdges[k] = left + (int) Math.round(k * plotWidth / (double) bars);
        }
        Font headFont = FigureStyle.font((float) (24 * u), true);
        Font axisFont = FigureStyle.font(options.textPx(18 * u), false);
        double valueSize = Math.min(18 * u, 0.3 * plotWidth / bars);
        Font valueFont = FigureStyle.font((float) valueSize, false);
        boolean showValues = bars == t && plotWidth / (double) t >= 40 * u && valueSize >= options.minTextPx();
        MatrixView.Leaks leaks = MatrixView.Leaks.NONE;
        int queryBar = 0;
        boolean queryShown = query >= k0 && query < k1;
        while (queryShown && spans[1][queryBar] <= query - k0) {
            queryBar++;
        }
        int panelTop = top;
        for (int h : heads) {
            MatrixView view = set.head(h);
            FigureStyle.text(g, headFont, FigureStyle.TEXT, "head " + h, 40 * u, panelTop + headFont.getSize2D() + 4 * u);
            FigureStyle.text(g, axisFont, FigureStyle.MUTED, "(KV head " + set.kvHeadOf(h) + ")", 40 * u,
                    panelTop + headFont.getSize2D() + 12 * u + axisFont.getSize2D());
            int base = panelTop + panelHeight;
            // Gridlines at 0, 0.5 and 1: the axis is fixed so panels compare at a glance.
            for (double w : new double[] {0, 0.5, 1}) {
                int gy = (int) Math.round(base - w * panelHeight);
                g.setColor(w == 0 ? FigureStyle.FRAME : new Color(0xDD, 0xDD, 0xDD));
                FigureStyle.hairline(g, 1f);
                g.drawLine(left, gy, xEdges[bars], gy);
                FigureStyle.textRight(g, axisFont, FigureStyle.MUTED, w == 0.5 ? "0.5" : w == 0 ? "0" : "1",
                        left - 8 * u, gy + FigureStyle.centreToBaseline(axisFont));
            }
            java.awt.geom.Area masked = new java.awt.geom.Area();
            for (int b = 0; b < bars; b++) {
                int pad = bars == t ? Math.max(1, (int) Math.round(0.12 * (xEdges[b + 1] - xEdges[b]))) : 0;
                int x0 = xEdges[b] + pad;
                int x1 = xEdges[b + 1] - pad;
                float w = Float.NEGATIVE_INFINITY;
                boolean leak = false;
                for (int k = spans[0][b]; k < spans[1][b]; k++) {
                    if (!view.isMasked(query, k0 + k)) {
                        w = Math.max(w, view.value(query, k0 + k));
                        leak |= view.isLeak(query, k0 + k);
                    }
                }
                if (w == Float.NEGATIVE_INFINITY) {
                    masked.add(new java.awt.geom.Area(new java.awt.Rectangle(x0, base - panelHeight, x1 - x0, panelHeight)));
                    continue;
                }
                int barTop = Math.round(base - Math.max(0, Math.min(1, w)) * panelHeight);
                g.setColor(FigureStyle.color(Viridis.rgb(ColorScale.LINEAR.position(w, 0))));
                g.fillRect(x0, barTop, Math.max(1, x1 - x0), base - barTop);
                if (leak) {
                    // weight where the mask should leave 0: outlined in red over the full height
                    g.setColor(FigureStyle.LEAK);
                    FigureStyle.hairline(g, (float) Math.max(2, Math.round(3 * u)));
                    g.drawRect(x0, base - panelHeight, Math.max(1, x1 - x0), panelHeight);
                }
                if (showValues && w >= 0.005) {
                    FigureStyle.textCentred(g, valueFont, FigureStyle.TEXT, String.format(Locale.ROOT, "%.2f", w),
                            (x0 + x1) / 2.0, barTop - 5 * u);
                }
            }
            FigureStyle.hairline(g, (float) Math.max(1, Math.round(1.5 * u)));
            FigureStyle.maskedShape(g, masked, bars == t ? Math.max(6, 9 * u) : Double.POSITIVE_INFINITY);
            leaks = leaks.plus(rowLeaks(view));
            // The query's own position, outlined: with a causal mask the row ends here.
            if (queryShown) {
                g.setColor(FigureStyle.BANNER_FILL);
                FigureStyle.hairline(g, (float) Math.max(1, 2 * u));
                g.drawRect(xEdges[queryBar], base - panelHeight, xEdges[queryBar + 1] - xEdges[queryBar], panelHeight);
            }
            panelTop += panelHeight + panelGap;
        }
        int labelsTop = panelTop - panelGap + (int) Math.round(10 * u);
        double base = FigureStyle.centreToBaseline(labelFont);
        double keyWidth = plotWidth / (double) t;
        int stride = Math.max(1, (int) Math.ceil(labelFont.getSize2D() / (0.95 * keyWidth)));
        boolean positions = bars < t || k0 > 0 || k1 < set.tokens();
        if (positions) {
            stride = HeatmapFigure.Layout.roundUp(stride);
        }
        for (int i = 0; i < t; i += stride) {
            int k = k0 + i;
            double cx = left + (i + 0.5) * keyWidth;
            FigureStyle.textUpEndingAt(g, labelFont, k == query ? FigureStyle.BANNER_FILL : FigureStyle.TEXT,
                    positions ? k + " " + set.labels().get(k) : set.labels().get(k), cx + base, labelsTop);
        }
        if (leaks.any()) {
            FigureStyle.text(g, FigureStyle.font((float) (22 * u), true), FigureStyle.LEAK,
                    leaks.sentence("after the query") + " (red outlines)", left, labelsTop + labelExtent + 50 * u - 30 * u);
        }
        Font note = FigureStyle.font((float) (22 * u), false);
        FigureStyle.text(g, note, FigureStyle.MUTED, "key position (attended to) → · red outline: the query's own position"
                + (bars < t ? " · each bar: the largest weight of " + (perBar > 0 ? perBar + " keys" : "the keys it covers") : ""),
                left, labelsTop + labelExtent + 50 * u);
    }
}
