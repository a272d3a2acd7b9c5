package attnscope.render;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;

/**
 * All heads of one layer side by side, grouped by the key/value head they share: with grouped-
 * query attention (Qwen2.5-0.5B: 14 query heads, 2 KV heads) each row holds the 7 query heads that
 * read the same keys and values, labelled "KV head 0: heads 0–6". Without grouping (Hkv = H) the
 * heads fill a near-square grid.
 */
final class LayerGridFigure implements Figure {
    private final PatternSet set;
    private final FigureOptions options;
    private final double unit;
    private final int rows;
    private final int cols;
    private final int panel;
    private final int gap;
    private final int rowBand;
    private final int top;
    private final int left;
    private final int width;
    private final int height;

    LayerGridFigure(PatternSet set, FigureOptions options) {
        this.set = set;
        this.options = options;
        this.unit = options.size() / 1600.0;
        boolean grouped = set.groupSize() > 1;
        this.cols = grouped ? set.groupSize() : (int) Math.ceil(Math.sqrt(set.heads()));
        this.rows = grouped ? set.kvHeads() : (int) Math.ceil(set.heads() / (double) cols);
        this.panel = (int) Math.round(Math.max(120, Math.min(320, 2200.0 / cols)) * unit);
        this.gap = (int) Math.round(24 * unit);
        // Above each row: its KV-head label (grouped) and the head captions.
        this.rowBand = (int) Math.round(((grouped ? 44 : 0) + 34) * unit);
        boolean banner = options.syntheticLabel() != null && !options.syntheticLabel().isEmpty();
        this.top = (int) Math.round((banner ? 52 : 0) * unit + 130 * unit);
        this.left = (int) Math.round(40 * unit);
        int plotW = cols * panel + (cols - 1) * gap;
        // At least as wide as a head heatmap, so that the title and the legend line fit.
        this.width = (int) Math.round(Math.max(1600 * unit,
                left + plotW + 40 * unit + FigureStyle.colorBarWidth(options.scale(), unit) + 40 * unit));
        this.height = (int) Math.round(top + rows * (rowBand + panel) + (rows - 1) * gap + 90 * unit);
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
        boolean grouped = set.groupSize() > 1;
        FigureStyle.header(g, options, width, u, left, "layer " + set.layer() + " · all " + set.heads() + " heads"
                + (grouped ? ", grouped by shared key/value head" : " (each with its own keys and values)"),
                "each panel: T = " + set.tokens() + " tokens, query position down, key position across · "
                        + options.scale().label());

        Font groupFont = FigureStyle.font((float) (26 * u), true);
        Font caption = FigureStyle.font((float) (22 * u), false);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        int rowTop = top;
        for (int r = 0; r < rows; r++) {
            int panelTop = rowTop + rowBand;
            if (grouped) {
                int first = r * set.groupSize();
                int last = first + set.groupSize() - 1;
                FigureStyle.text(g, groupFont, FigureStyle.TEXT, "KV head " + r + ": heads " + first + "–" + last,
                        left, rowTop + groupFont.getSize2D());
            }
            for (int c = 0; c < cols; c++) {
                int h = r * cols + c;
                if (h >= set.heads()) {
                    break;
                }
                int x = left + c * (panel + gap);
                FigureStyle.text(g, caption, FigureStyle.MUTED, "head " + h, x, panelTop - 8 * u);
                g.drawImage(CellImage.of(set.head(h), options.scale(), panel, panel), x, panelTop, null);
                g.setColor(FigureStyle.FRAME);
                FigureStyle.hairline(g, 1f);
                g.drawRect(x, panelTop, panel, panel);
            }
            rowTop = panelTop + panel + gap;
        }
        int plotRight = left + cols * panel + (cols - 1) * gap;
        int barTop = top + rowBand;
        int barBottom = top + rows * (rowBand + panel) + (rows - 1) * gap;
        FigureStyle.colorBar(g, options.scale(), (int) Math.round(plotRight + 40 * u), barTop, (int) Math.round(34 * u),
                barBottom - barTop, u);
        Font note = FigureStyle.font((float) (22 * u), false);
        String legend = set.causal() ? "grey: masked (key after the query, weight exactly 0) · open layer"
                + String.format("%02d", set.layer()) + "_headHH.png for token labels"
                : "no mask: every query sees every key · open layer" + String.format("%02d", set.layer())
                + "_headHH.png for token labels";
        FigureStyle.text(g, note, FigureStyle.MUTED, legend, left, barBottom + 50 * u);
    }
}
