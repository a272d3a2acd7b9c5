package attnscope.render;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

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
    /** Per head, the cells where the mask applies but the model put weight. */
    private final MatrixView.Leaks[] leaks;
    private final MatrixView.Leaks totalLeaks;

    LayerGridFigure(PatternSet set, FigureOptions options) {
        this.set = set;
        this.leaks = new MatrixView.Leaks[set.heads()];
        MatrixView.Leaks total = MatrixView.Leaks.NONE;
        for (int h = 0; h < set.heads(); h++) {
            leaks[h] = set.head(h).leaks();
            total = total.plus(leaks[h]);
        }
        this.totalLeaks = total;
        this.options = options;
        this.unit = options.unit();
        boolean grouped = set.groupSize() > 1;
        this.cols = grouped ? set.groupSize() : (int) Math.ceil(Math.sqrt(set.heads()));
        this.rows = grouped ? set.kvHeads() : (int) Math.ceil(set.heads() / (double) cols);
        this.gap = (int) Math.round(24 * unit);
        // Above each row: its KV-head label (grouped) and the head captions.
        this.rowBand = (int) Math.round(((grouped ? 44 : 0) + 34) * unit);
        boolean banner = options.syntheticLabel() != null && !options.syntheticLabel().isEmpty();
        this.top = (int) Math.round((banner ? 52 : 0) * unit + 130 * unit);
        this.left = (int) Math.round(40 * unit);
        double right = 40 * unit + FigureStyle.colorBarWidth(options.scale(), unit) + 40 * unit;
        Projector projector = options.projector();
        if (projector == null) {
            this.panel = (int) Math.round(Math.max(120, Math.min(320, 2200.0 / cols)) * unit);
        } else {
            // The projector's canvas is fixed: panels take the room that is left.
            double w = (projector.width() - left - right - (cols - 1) * gap) / cols;
            double h = (projector.height() - top - rows * rowBand - (rows - 1) * gap - 90 * unit) / rows;
            this.panel = Math.max(8, (int) Math.floor(Math.min(w, h)));
        }
        int plotW = cols * panel + (cols - 1) * gap;
        // At least as wide as a head heatmap, so that the title and the legend line fit.
        this.width = projector != null ? projector.width() : (int) Math.round(Math.max(1600 * unit, left + plotW + right));
        this.height = projector != null ? projector.height()
                : (int) Math.round(top + rows * (rowBand + panel) + (rows - 1) * gap + 90 * unit);
    }

    @Override
    public double minTextPx() {
        return options.minTextPx();
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
        draw(g, true);
        // The heads, each framed: in a PNG these come from a Template, which writes them itself.
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int h = 0; h < set.heads(); h++) {
            g.drawImage(CellImage.of(set.head(h), options.scale(), panel, panel), panelX(h), panelY(h), null);
            drawFrame(g, h);
        }
    }

    /**
     * Everything but the heads' cells and frames; without {@code ownText}, also without what names
     * the layer (the title and the legend), which leaves what all layers' grids share: a
     * {@link Template}. Nothing drawn here overlaps a panel.
     */
    private void draw(Graphics2D g, boolean ownText) {
        double u = unit;
        boolean grouped = set.groupSize() > 1;
        FigureStyle.header(g, options, width, u, left, ownText ? title() : "", subtitle());

        Font groupFont = FigureStyle.font((float) (26 * u), true);
        Font caption = FigureStyle.font((float) (22 * u), false);
        for (int r = 0; r < rows; r++) {
            if (grouped) {
                int first = r * set.groupSize();
                int last = first + set.groupSize() - 1;
                FigureStyle.text(g, groupFont, FigureStyle.TEXT, "KV head " + r + ": heads " + first + "–" + last,
                        left, rowTop(r) + groupFont.getSize2D());
            }
        }
        for (int h = 0; h < set.heads(); h++) {
            FigureStyle.text(g, caption, FigureStyle.MUTED, "head " + h, panelX(h), panelY(h) - 8 * u);
        }
        int plotRight = left + cols * panel + (cols - 1) * gap;
        int barTop = top + rowBand;
        int barBottom = barBottom();
        FigureStyle.colorBar(g, options.scale(), (int) Math.round(plotRight + 40 * u), barTop, (int) Math.round(34 * u),
                barBottom - barTop, u);
        if (ownText) {
            drawLegend(g);
        }
    }

    private String title() {
        return "layer " + set.layer() + " · all " + set.heads() + " heads"
                + (set.groupSize() > 1 ? ", grouped by shared key/value head" : " (each with its own keys and values)");
    }

    private String subtitle() {
        return "each panel: T = " + set.tokens() + " tokens, query position down, key position across"
                + (set.tokens() > panel ? " (a pixel: the largest of the cells it covers)" : "") + " · "
                + options.scale().label();
    }

    private void drawLegend(Graphics2D g) {
        Font note = FigureStyle.font((float) (22 * unit), false);
        if (totalLeaks.any()) {
            FigureStyle.text(g, FigureStyle.font((float) (22 * unit), true), FigureStyle.LEAK, totalLeaks.sentence(
                    "above the diagonal") + " (heads framed in red)", left, barBottom() + 50 * unit - 30 * unit);
        }
        String legend = set.causal() ? "grey: masked (key after the query, weight exactly 0) · open layer"
                + String.format("%02d", set.layer()) + "_headHH.png for token labels"
                : "no mask: every query sees every key · open layer" + String.format("%02d", set.layer())
                + "_headHH.png for token labels";
        FigureStyle.text(g, note, FigureStyle.MUTED, legend, left, barBottom() + 50 * unit);
    }

    /** A head's frame: red and thick when its mask leaks. */
    private void drawFrame(Graphics2D g, int head) {
        boolean leak = leaks[head].any();
        g.setColor(leak ? FigureStyle.LEAK : FigureStyle.FRAME);
        FigureStyle.hairline(g, leak ? (float) Math.max(2, Math.round(4 * unit)) : 1f);
        g.drawRect(panelX(head), panelY(head), panel, panel);
    }

    /** The top of row r's band (its KV-head label, then the captions, then the panels). */
    private int rowTop(int r) {
        return top + r * (rowBand + panel + gap);
    }

    private int panelX(int head) {
        return left + (head % cols) * (panel + gap);
    }

    private int panelY(int head) {
        return rowTop(head / cols) + rowBand;
    }

    private int barBottom() {
        return top + rows * (rowBand + panel) + (rows - 1) * gap;
    }

    /**
     * What the grids of all layers of a lesson share (banner, subtitle, group labels, captions,
     * colour bar), drawn once: a layer's grid is this plus its title, its heads' cells written
     * straight into the raster, their frames and its legend, the same pixels as the whole
     * drawing (a test holds it to that). Drawing the text and colour bar of 24 grids took longer
     * than encoding them.
     */
    static final class Template {
        private final LayerGridFigure model;
        private final int[] pixels;

        private Template(LayerGridFigure model, int[] pixels) {
            this.model = model;
            this.pixels = pixels;
        }

        static Template of(LayerGridFigure figure) {
            return new Template(figure, FigureWriter.pixels(FigureWriter.raster(figure, g -> figure.draw(g, false))));
        }

        /** Whether {@code figure} shares this template's pixels outside its title, cells, frames and legend. */
        boolean fits(LayerGridFigure figure) {
            LayerGridFigure m = model;
            return figure.options.equals(m.options) && figure.width == m.width && figure.height == m.height
                    && figure.set.heads() == m.set.heads() && figure.set.groupSize() == m.set.groupSize()
                    && figure.subtitle().equals(m.subtitle()) && figure.panel == m.panel;
        }

        /** The figure's raster: the template, then what belongs to this layer. */
        BufferedImage draw(LayerGridFigure figure) {
            if (!fits(figure)) {
                throw new IllegalArgumentException("this grid does not fit the template");
            }
            BufferedImage canvas = FigureWriter.blankRaster(figure);
            int[] out = FigureWriter.pixels(canvas);
            System.arraycopy(pixels, 0, out, 0, pixels.length);
            Graphics2D g = canvas.createGraphics();
            try {
                FigureWriter.prepare(g);
                FigureWriter.requireText(g, figure.minTextPx());
                double u = figure.unit;
                FigureStyle.headerTitle(g, figure.options, u, figure.left, figure.title());
                for (int h = 0; h < figure.set.heads(); h++) {
                    CellImage.paint(figure.set.head(h), figure.options.scale(), figure.panel, figure.panel, out, figure.width,
                            figure.panelX(h), figure.panelY(h));
                    figure.drawFrame(g, h);
                }
                figure.drawLegend(g);
            } finally {
                g.dispose();
            }
            return canvas;
        }
    }
}
