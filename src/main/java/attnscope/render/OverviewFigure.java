package attnscope.render;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.util.List;

/**
 * Every head of every layer at once: rows are layers, columns are heads, each cell a thumbnail
 * of that head's pattern. Heads that share a key/value head sit together under one bracket.
 * Recurring shapes jump out here: a bright line just below the diagonal (previous-token heads),
 * a bright first column (the first token as an "attention sink"), a bright diagonal (self).
 */
final class OverviewFigure implements Figure {
    private final List<PatternSet> layers;
    private final FigureOptions options;
    private final double unit;
    private final int heads;
    private final int group;
    private final int thumb;
    private final int gap;
    private final int groupGap;
    private final int top;
    private final int left;
    private final int width;
    private final int height;

    OverviewFigure(List<PatternSet> layers, FigureOptions options) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("Expected at least one layer for the overview");
        }
        this.layers = List.copyOf(layers);
        this.options = options;
        this.unit = options.unit();
        this.heads = layers.get(0).heads();
        this.group = layers.get(0).groupSize();
        for (PatternSet s : layers) {
            if (s.heads() != heads || s.groupSize() != group) {
                throw new IllegalArgumentException("layer " + s.layer() + ": expected " + heads + " heads in groups of "
                        + group + " like layer " + layers.get(0).layer() + " but found " + s.heads() + " in groups of "
                        + s.groupSize());
            }
        }
        this.gap = (int) Math.round(8 * unit);
        this.groupGap = group > 1 ? (int) Math.round(28 * unit) : 0;
        boolean banner = options.syntheticLabel() != null && !options.syntheticLabel().isEmpty();
        this.top = (int) Math.round((banner ? 52 : 0) * unit + 130 * unit + (group > 1 ? 44 : 0) * unit + 34 * unit);
        this.left = (int) Math.round(150 * unit);
        double right = 40 * unit + FigureStyle.colorBarWidth(options.scale(), unit) + 40 * unit;
        Projector projector = options.projector();
        if (projector == null) {
            this.thumb = (int) Math.round(Math.max(40, Math.min(160, 1400.0 / heads)) * unit);
        } else {
            // The projector's canvas is fixed: thumbnails take the room that is left.
            int groups = group > 1 ? heads / group : 1;
            double w = (projector.width() - left - right - (heads - 1) * gap - (groups - 1) * groupGap) / heads;
            double h = (projector.height() - top - 80 * unit - (layers.size() - 1) * gap) / layers.size();
            this.thumb = Math.max(4, (int) Math.floor(Math.min(w, h)));
        }
        // At least as wide as a head heatmap, so that the title and the legend line fit.
        this.width = projector != null ? projector.width() : (int) Math.round(Math.max(1600 * unit, x(heads) - gap + right));
        this.height = projector != null ? projector.height()
                : (int) Math.round(top + layers.size() * (thumb + gap) + 80 * unit);
    }

    @Override
    public double minTextPx() {
        return options.minTextPx();
    }

    /** Left edge of head h's column (h = heads gives the right end plus one gap). */
    private int x(int h) {
        int groupsBefore = group > 1 ? Math.min(h, heads - 1) / group : 0;
        return left + h * (thumb + gap) + groupsBefore * groupGap;
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
        int bannerH = FigureStyle.header(g, options, width, u, left, "all layers × heads (" + layers.size() + " × " + heads + ")",
                "each square: one head's pattern, T = " + layers.get(0).tokens() + " tokens, query down, key across"
                        + (layers.get(0).tokens() > thumb ? " (a pixel: the largest of the cells it covers)" : "") + " · "
                        + options.scale().label());

        Font groupFont = FigureStyle.font((float) (24 * u), true);
        Font colFont = FigureStyle.font(options.textPx(Math.min(22 * u, thumb * 0.3)), false);
        // On a projector the labels keep their size: every k-th column and row is labelled.
        int colStride = options.projector() == null ? 1
                : Math.max(1, (int) Math.ceil((FigureStyle.width(colFont, "h" + (heads - 1)) + 6 * u) / (thumb + gap)));
        int headerTop = (int) Math.round(bannerH + 130 * u);
        if (group > 1) {
            for (int kv = 0; kv < heads / group; kv++) {
                int x0 = x(kv * group);
                int x1 = x(kv * group + group - 1) + thumb;
                FigureStyle.textCentred(g, groupFont, FigureStyle.TEXT, "KV head " + kv, (x0 + x1) / 2.0,
                        headerTop + groupFont.getSize2D());
                g.setColor(FigureStyle.FRAME);
                FigureStyle.hairline(g, (float) Math.max(1, 2 * u));
                int by = (int) Math.round(headerTop + 34 * u);
                g.drawLine(x0, by, x1, by);
            }
        }
        for (int h = 0; h < heads; h += colStride) {
            FigureStyle.textCentred(g, colFont, FigureStyle.TEXT, "h" + h, x(h) + thumb / 2.0, top - 10 * u);
        }
        Font rowFont = FigureStyle.font(options.textPx(Math.min(24 * u, thumb * 0.3)), false);
        int rowStride = options.projector() == null ? 1 : Math.max(1, (int) Math.ceil(rowFont.getSize2D() / (thumb + gap)));
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        FigureStyle.hairline(g, 1f);
        MatrixView.Leaks leaks = MatrixView.Leaks.NONE;
        for (int i = 0; i < layers.size(); i++) {
            PatternSet set = layers.get(i);
            int rowY = top + i * (thumb + gap);
            if (i % rowStride == 0) {
                FigureStyle.textRight(g, rowFont, FigureStyle.TEXT, "layer " + set.layer(), left - 14 * u,
                        rowY + thumb / 2.0 + FigureStyle.centreToBaseline(rowFont));
            }
            for (int h = 0; h < heads; h++) {
                MatrixView view = set.head(h);
                g.drawImage(CellImage.of(view, options.scale(), thumb, thumb), x(h), rowY, null);
                MatrixView.Leaks l = view.leaks();
                if (l.any()) {
                    // a head whose mask leaks: framed in red, counted in the legend
                    leaks = leaks.plus(l);
                    g.setColor(FigureStyle.LEAK);
                    FigureStyle.hairline(g, (float) Math.max(2, Math.round(4 * u)));
                    g.drawRect(x(h), rowY, thumb, thumb);
                    FigureStyle.hairline(g, 1f);
                }
            }
        }
        int right = x(heads - 1) + thumb;
        int bottom = top + layers.size() * (thumb + gap) - gap;
        int barHeight = Math.min(bottom - top, (int) Math.round(900 * u));
        FigureStyle.colorBar(g, options.scale(), (int) Math.round(right + 40 * u), top, (int) Math.round(34 * u),
                barHeight, u);
        Font note = FigureStyle.font((float) (22 * u), false);
        String legend = layers.get(0).causal()
                ? "grey: masked (key after the query) · look for a line below the diagonal (previous token) "
                + "and a bright first column (attention sink)"
                : "no mask (bidirectional) · look for diagonals (self, neighbours) and bright columns";
        FigureStyle.text(g, note, FigureStyle.MUTED, legend, left, bottom + 50 * u);
        if (leaks.any()) {
            FigureStyle.text(g, FigureStyle.font((float) (22 * u), true), FigureStyle.LEAK,
                    leaks.sentence("above the diagonal") + " (heads framed in red)", left, bottom + 22 * u);
        }
    }
}
