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
        this.unit = options.size() / 1600.0;
        this.width = (int) Math.round(2000 * unit);
        this.left = (int) Math.round(250 * unit);
        this.plotWidth = (int) Math.round(width - left - 50 * unit);
        double bar = plotWidth / (double) set.tokens();
        this.labelFont = FigureStyle.font((float) Math.max(9, Math.min(22 * unit, 0.75 * bar)), false);
        double extent = 0;
        for (String s : set.labels()) {
            extent = Math.max(extent, FigureStyle.width(labelFont, s));
        }
        this.labelExtent = extent;
        boolean banner = options.syntheticLabel() != null && !options.syntheticLabel().isEmpty();
        this.top = (int) Math.round((banner ? 52 : 0) * unit + 150 * unit);
        this.panelHeight = (int) Math.round((heads.size() <= 4 ? 300 : 170) * unit);
        this.panelGap = (int) Math.round(30 * unit);
        this.height = (int) Math.round(top + heads.size() * (panelHeight + panelGap) + 12 * unit + extent
                + 100 * unit);
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
        int t = set.tokens();
        FigureStyle.header(g, options, width, u, 40 * u, "layer " + set.layer() + " · query " + query + " “"
                + set.labels().get(query) + "”: its weights over the keys", "one row of the pattern per head; each row sums to 1"
                + (set.causal() ? "; keys after the query are masked" : ""));

        int[] xEdges = new int[t + 1];
        for (int k = 0; k <= t; k++) {
            xEdges[k] = left + (int) Math.round(k * plotWidth / (double) t);
        }
        Font headFont = FigureStyle.font((float) (24 * u), true);
        Font axisFont = FigureStyle.font((float) (18 * u), false);
        Font valueFont = FigureStyle.font((float) Math.min(18 * u, 0.3 * plotWidth / t), false);
        boolean showValues = plotWidth / (double) t >= 40 * u;
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
                g.drawLine(left, gy, xEdges[t], gy);
                FigureStyle.textRight(g, axisFont, FigureStyle.MUTED, w == 0.5 ? "0.5" : w == 0 ? "0" : "1",
                        left - 8 * u, gy + FigureStyle.centreToBaseline(axisFont));
            }
            for (int k = 0; k < t; k++) {
                int x0 = xEdges[k] + Math.max(1, (int) Math.round(0.12 * (xEdges[k + 1] - xEdges[k])));
                int x1 = xEdges[k + 1] - Math.max(1, (int) Math.round(0.12 * (xEdges[k + 1] - xEdges[k])));
                if (view.isMasked(query, k)) {
                    FigureStyle.hairline(g, (float) Math.max(1, Math.round(1.5 * u)));
                    FigureStyle.maskedRect(g, x0, base - panelHeight, x1 - x0, panelHeight, Math.max(6, 9 * u));
                    continue;
                }
                float w = view.value(query, k);
                int barTop = Math.round(base - Math.max(0, Math.min(1, w)) * panelHeight);
                g.setColor(FigureStyle.color(Viridis.rgb(ColorScale.LINEAR.position(w, 0))));
                g.fillRect(x0, barTop, x1 - x0, base - barTop);
                if (showValues && w >= 0.005) {
                    FigureStyle.textCentred(g, valueFont, FigureStyle.TEXT, String.format(Locale.ROOT, "%.2f", w),
                            (x0 + x1) / 2.0, barTop - 5 * u);
                }
            }
            // The query's own position, outlined: with a causal mask the row ends here.
            g.setColor(FigureStyle.BANNER_FILL);
            FigureStyle.hairline(g, (float) Math.max(1, 2 * u));
            g.drawRect(xEdges[query], base - panelHeight, xEdges[query + 1] - xEdges[query], panelHeight);
            panelTop += panelHeight + panelGap;
        }
        int labelsTop = panelTop - panelGap + (int) Math.round(10 * u);
        double base = FigureStyle.centreToBaseline(labelFont);
        int stride = Math.max(1, (int) Math.ceil(labelFont.getSize2D() / (0.95 * plotWidth / t)));
        for (int k = 0; k < t; k += stride) {
            double cx = (xEdges[k] + xEdges[k + 1]) / 2.0;
            FigureStyle.textUpEndingAt(g, labelFont, k == query ? FigureStyle.BANNER_FILL : FigureStyle.TEXT,
                    set.labels().get(k), cx + base, labelsTop);
        }
        Font note = FigureStyle.font((float) (22 * u), false);
        FigureStyle.text(g, note, FigureStyle.MUTED, "key position (attended to) → · red outline: the query's own position",
                left, labelsTop + labelExtent + 50 * u);
    }
}
