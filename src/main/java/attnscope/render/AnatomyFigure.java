package attnscope.render;

import attnscope.capture.Site;
import attnscope.inspect.InspectionResult;
import attnscope.output.FileSink;
import attnscope.tensor.Tensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * "Anatomy of one head": the path of one head of one layer as one landscape picture, every block a
 * small heatmap of the values this run captured, labelled with its shape:
 *
 * <pre>
 *   X (T × D) ─ W_Q, W_K, W_V ─▶ Q (T × d)   K (T × d)   V (T × d)        [K, V: the shared KV head]
 *   scores Q·Kᵀ/√d (T × T, −∞ above the diagonal) ─softmax─▶ pattern (T × T) ─·V─▶ z (T × d)
 *        ─ concat of H heads ─▶ (T × H·d) ─ o_proj ─▶ output (T × D)
 * </pre>
 *
 * X and the output of o_proj are not captured by attnscope: they are drawn as labelled shapes
 * without values, and the figure says so. The scores are the graph's own where it holds them (a
 * decomposed graph), otherwise Q·Kᵀ/√d from the captured Q and K, and the block says which.
 *
 * <p>Drawn at 1920 × 1080 (16:9, a projector's native size) with every text at least
 * {@link #MIN_TEXT_PX} px; {@link #texts()} lists what was laid out so a test can check both.
 */
public final class AnatomyFigure implements Figure {
    /** The smallest text on the figure, in px at its native 1920 px width: legible when projected. */
    public static final float MIN_TEXT_PX = 24f;
    static final int WIDTH = 1920;
    static final int HEIGHT = 1080;
    private static final Color ARROW = new Color(0x33, 0x33, 0x33);
    private static final Color NO_VALUES = new Color(0xF2, 0xF2, 0xF2);

    /**
     * The values of one head, taken from an inspection.
     *
     * @param q        (T, d) this head's queries after rotary
     * @param k        (T, d) the keys of its key/value head
     * @param v        (T, d) the values of its key/value head
     * @param scores   (T, T) Q·Kᵀ/√d, before the mask
     * @param capturedScores whether {@code scores} are the graph's own tensor (else recomputed from Q and K)
     * @param pattern  (T, T) the attention weights
     * @param z        (T, d) this head's output
     * @param concat   (T, H·d) every head's z side by side, as o_proj reads them
     */
    public record Data(int layer, int head, int kvHead, int heads, int kvHeads, int hidden, int tokens, int headDim,
            float[] q, float[] k, float[] v, float[] scores, boolean capturedScores, float[] pattern, float[] z, float[] concat,
            boolean causal) {

        /** Head {@code head} of layer {@code layer} of an inspection. */
        public static Data of(InspectionResult r, int layer, int head) {
            var cache = r.model();
            Tensor q = cache.get(layer, Site.Q); // (H, T, d)
            Tensor k = cache.get(layer, Site.K); // (Hkv, T, d)
            Tensor v = cache.get(layer, Site.V);
            Tensor z = cache.get(layer, Site.Z); // (H, T, d)
            int heads = q.dim(0);
            if (head < 0 || head >= heads) {
                throw new IllegalArgumentException("head " + head + " does not exist: layer " + layer + " has " + heads + " heads (0.." + (heads - 1) + ")");
            }
            int t = q.dim(1);
            int d = q.dim(2);
            int kvHeads = k.dim(0);
            int g = head / (heads / kvHeads); // grouped-query attention: query head h reads KV head h / (H / Hkv)
            float[] qh = rowsOf(q, head);
            float[] kg = rowsOf(k, g);
            boolean captured = cache.has(layer, Site.SCORES);
            float[] scores;
            if (captured) {
                scores = rowsOf(cache.get(layer, Site.SCORES), head);
            } else {
                scores = new float[t * t];
                double scale = 1 / Math.sqrt(d);
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += qh[i * d + c] * kg[j * d + c];
                        }
                        scores[i * t + j] = (float) (dot * scale);
                    }
                }
            }
            Tensor pattern = cache.has(layer, Site.PATTERN) ? cache.get(layer, Site.PATTERN) : r.reference().get(layer, Site.PATTERN);
            // concat: row t holds head 0's z[t], then head 1's, …: (T, H·d).
            float[] concat = new float[t * heads * d];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    System.arraycopy(z.data(), (h * t + i) * d, concat, i * heads * d + h * d, d);
                }
            }
            return new Data(layer, head, g, heads, kvHeads, r.config().hidden(), t, d, qh, kg, rowsOf(v, g), scores, captured,
                    rowsOf(pattern, head), rowsOf(z, head), concat, r.causal());
        }

        private static float[] rowsOf(Tensor t, int index) {
            int n = t.dim(1) * t.dim(2);
            float[] out = new float[n];
            System.arraycopy(t.data(), index * n, out, 0, n);
            return out;
        }

        int groupSize() {
            return heads / kvHeads;
        }
    }

    /** One text as laid out: its size in px and its box, for the projector check. */
    public record Text(String text, float px, double x, double y, double width) {
    }

    private final Data data;
    private final FigureOptions options;
    private final List<Text> texts = new ArrayList<>();

    public AnatomyFigure(Data data, FigureOptions options) {
        this.data = data;
        this.options = options;
    }

    /** "anatomy_layer03_head05". */
    public static String fileName(int layer, int head) {
        return String.format("anatomy_layer%02d_head%02d", layer, head);
    }

    /** Draws the anatomy of one head into {@code dir} in every format of the options. */
    public static List<Path> write(InspectionResult r, int layer, int head, Path dir, FigureOptions options, FileSink sink) {
        FigureOptions opts = options.forModel(r.config());
        return FigureWriter.write(new AnatomyFigure(Data.of(r, layer, head), opts), dir, fileName(layer, head), opts, sink);
    }

    @Override
    public int width() {
        return WIDTH;
    }

    @Override
    public int height() {
        return HEIGHT;
    }

    /** Every text of the last {@link #draw}, in drawing order. */
    public List<Text> texts() {
        return List.copyOf(texts);
    }

    @Override
    public void draw(Graphics2D g) {
        texts.clear();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        int top = FigureStyle.banner(g, options.syntheticLabel(), WIDTH, 1.0);
        Data d = data;
        int t = d.tokens();
        Font title = FigureStyle.font(38, true);
        Font label = FigureStyle.font(26, true);
        Font small = FigureStyle.font(MIN_TEXT_PX, false);
        double y = top + 20 + 38;
        text(g, title, FigureStyle.TEXT, "Anatomy of one head: layer " + d.layer() + " · head " + d.head()
                + (d.groupSize() > 1 ? " (KV head " + d.kvHead() + ")" : "") + ", T = " + t, 40, y);
        y += 36;
        text(g, small, FigureStyle.MUTED, "every block is this run's values, labelled with its shape · X and the output are not captured: "
                + "shapes only", 40, y);

        // Row 1: X → the projections → Q, K, V.
        int rowTop = (int) y + 60;
        int blockH = 270;
        Block x = new Block(40, rowTop, 150, blockH);
        noValues(g, x, "X", d.tokens() + " × " + d.hidden());
        below(g, x, label, small, "X: layer input", "T × D = " + t + " × " + d.hidden());

        Block qb = new Block(470, rowTop, 230, blockH);
        Block kb = new Block(900, rowTop, 230, blockH);
        Block vb = new Block(1330, rowTop, 230, blockH);
        heat(g, qb, d.q(), t, d.headDim(), false, false);
        heat(g, kb, d.k(), t, d.headDim(), false, false);
        heat(g, vb, d.v(), t, d.headDim(), false, false);
        int h0 = d.kvHead() * d.groupSize();
        int h1 = h0 + d.groupSize() - 1;
        below(g, qb, label, small, "Q = X·W_Q + b", "T × d = " + t + " × " + d.headDim());
        if (d.groupSize() > 1) {
            below(g, kb, label, small, "K = X·W_K + b (KV head " + d.kvHead() + ")", "T × d, shared by heads " + h0 + "–" + h1);
            below(g, vb, label, small, "V = X·W_V + b (KV head " + d.kvHead() + ")", "T × d, shared by heads " + h0 + "–" + h1);
        } else {
            // No grouped-query attention (H = Hkv): every head has keys and values of its own.
            below(g, kb, label, small, "K = X·W_K + b", "T × d = " + t + " × " + d.headDim() + ", this head's own");
            below(g, vb, label, small, "V = X·W_V + b", "T × d = " + t + " × " + d.headDim() + ", this head's own");
        }
        // One arrow from X fans out to the three projections.
        int fanX = 260;
        arrow(g, x.right(), x.midY(), fanX, x.midY());
        g.setColor(ARROW);
        g.setStroke(new BasicStroke(3f));
        g.draw(new Line2D.Double(fanX, x.midY(), fanX, rowTop - 18));
        g.draw(new Line2D.Double(fanX, rowTop - 18, vb.midX(), rowTop - 18));
        for (Block b : List.of(qb, kb, vb)) {
            arrow(g, b.midX(), rowTop - 18, b.midX(), rowTop - 2);
        }
        text(g, small, FigureStyle.MUTED, "W_Q: " + d.hidden() + " × " + d.headDim() + " per head · W_K, W_V: " + d.hidden() + " × "
                + d.headDim() + (d.groupSize() > 1 ? " per KV head" : " per head"), fanX + 20, rowTop - 28);

        // Row 2: scores → pattern → z → concat → o_proj → output.
        int row2 = rowTop + blockH + 120;
        int sq = 280;
        Block sb = new Block(40, row2, sq, sq);
        Block pb = new Block(400, row2, sq, sq);
        Block zb = new Block(760, row2, 200, sq);
        Block cb = new Block(1080, row2, 330, sq);
        Block ob = new Block(1480, row2, 160, sq);
        Block outb = new Block(1720, row2, 160, sq);
        heat(g, sb, d.scores(), t, t, false, d.causal());
        heat(g, pb, d.pattern(), t, t, true, d.causal());
        heat(g, zb, d.z(), t, d.headDim(), false, false);
        heat(g, cb, d.concat(), t, d.heads() * d.headDim(), false, false);
        // The head's own columns inside the concatenation.
        double colW = cb.w / (double) (d.heads() * d.headDim());
        g.setColor(new Color(0xD0, 0x10, 0x40));
        g.setStroke(new BasicStroke(3f));
        g.draw(new java.awt.geom.Rectangle2D.Double(cb.x + d.head() * d.headDim() * colW, cb.y - 3, d.headDim() * colW, cb.h + 6));
        noValues(g, ob, "o_proj", d.heads() * d.headDim() + " × " + d.hidden());
        noValues(g, outb, "output", t + " × " + d.hidden());
        below(g, sb, label, small, "scores = Q·Kᵀ/√" + d.headDim(), "T × T" + (d.causal() ? ", −∞ above (mask)" : "")
                + (d.capturedScores() ? "" : " · from Q, K"));
        below(g, pb, label, small, "pattern = softmax", "T × T = " + t + " × " + t);
        below(g, zb, label, small, "z = pattern·V", "T × d = " + t + " × " + d.headDim());
        below(g, cb, label, small, "concat of " + d.heads() + " heads", "T × H·d = " + t + " × " + d.heads() * d.headDim());
        below(g, ob, label, small, "o_proj", "W_O: H·d × D");
        below(g, outb, label, small, "output", "T × D");
        // Q and K meet in the scores; V joins the pattern in z.
        // Each on its own level, so the three lines never run on top of each other.
        elbow(g, qb.midX() - 40, qb.bottom() + 70, sb.midX() - 30, 8, sb.y - 4);
        elbow(g, kb.midX() - 40, kb.bottom() + 70, sb.midX() + 30, 22, sb.y - 4);
        elbow(g, vb.midX() - 40, vb.bottom() + 70, zb.midX(), 36, sb.y - 4);
        arrow(g, sb.right() + 8, sb.midY(), pb.x - 8, pb.midY());
        arrow(g, pb.right() + 8, pb.midY(), zb.x - 8, zb.midY());
        arrow(g, zb.right() + 8, zb.midY(), cb.x - 8, cb.midY());
        arrow(g, cb.right() + 8, cb.midY(), ob.x - 8, ob.midY());
        arrow(g, ob.right() + 8, ob.midY(), outb.x - 8, outb.midY());

        double legendY = row2 + sq + 110;
        text(g, small, FigureStyle.MUTED, "Colours: blue < 0 < red, each block scaled to its own largest |value|; the pattern 0 → 1 (viridis)"
                + (d.causal() ? "; hatched: masked." : "; no causal mask."), 40, legendY);
        text(g, small, FigureStyle.MUTED, (d.capturedScores() ? "Scores: the graph's own tensor, scaled, before the mask."
                : "Scores: Q·Kᵀ/√d from the captured Q and K (this graph holds no scores tensor).")
                + " Red frame in the concat: this head's " + d.headDim() + " columns.", 40, legendY + 34);
    }

    /** A rectangle of the layout. */
    private record Block(int x, int y, int w, int h) {
        int right() {
            return x + w;
        }

        int bottom() {
            return y + h;
        }

        int midX() {
            return x + w / 2;
        }

        int midY() {
            return y + h / 2;
        }
    }

    private void text(Graphics2D g, Font f, Color c, String s, double x, double baseline) {
        texts.add(new Text(s, f.getSize2D(), x, baseline, FigureStyle.width(f, s)));
        FigureStyle.text(g, f, c, s, x, baseline);
    }

    private void textCentred(Graphics2D g, Font f, Color c, String s, double cx, double baseline) {
        text(g, f, c, s, cx - FigureStyle.width(f, s) / 2, baseline);
    }

    /** Two lines under a block: its name (bold) and its shape; centred, kept inside the figure. */
    private void below(Graphics2D g, Block b, Font bold, Font plain, String name, String shape) {
        double w = Math.max(FigureStyle.width(bold, name), FigureStyle.width(plain, shape));
        double cx = Math.max(b.midX(), 20 + w / 2);
        cx = Math.min(cx, WIDTH - 20 - w / 2);
        textCentred(g, bold, FigureStyle.TEXT, name, cx, b.bottom() + 32);
        textCentred(g, plain, FigureStyle.MUTED, shape, cx, b.bottom() + 62);
    }

    /** A block whose values attnscope does not capture: a grey box with its name and shape inside. */
    private void noValues(Graphics2D g, Block b, String name, String shape) {
        g.setColor(NO_VALUES);
        g.fillRect(b.x, b.y, b.w, b.h);
        g.setColor(FigureStyle.FRAME);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        g.drawRect(b.x, b.y, b.w, b.h);
        Font f = FigureStyle.font(26, true);
        Font s = FigureStyle.font(MIN_TEXT_PX, false);
        textCentred(g, f, FigureStyle.TEXT, name, b.midX(), b.midY() - 6);
        textCentred(g, s, FigureStyle.MUTED, shape, b.midX(), b.midY() + 26);
    }

    /**
     * A (rows, cols) matrix as an image stretched over the block, one pixel per value scaled without
     * smoothing: a weight in viridis 0 → 1, anything else blue–white–red around 0. With {@code masked},
     * the cells above the diagonal are grey and hatched (the −∞ of the causal mask).
     */
    private void heat(Graphics2D g, Block b, float[] values, int rows, int cols, boolean weights, boolean masked) {
        double maxAbs = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (!(masked && j > i)) {
                    maxAbs = Math.max(maxAbs, Math.abs(values[i * cols + j]));
                }
            }
        }
        BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = values[i * cols + j];
                int rgb;
                if (masked && j > i) {
                    rgb = FigureStyle.MASK_RGB;
                } else if (weights) {
                    rgb = Viridis.rgb(Math.max(0, Math.min(1, v)));
                } else {
                    rgb = diverging(maxAbs == 0 ? 0 : v / maxAbs);
                }
                img.setRGB(j, i, rgb);
            }
        }
        Object hint = g.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(img, b.x, b.y, b.w, b.h, null);
        if (hint != null) {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
        }
        if (masked) {
            hatchAboveDiagonal(g, b, rows);
        }
        g.setColor(FigureStyle.FRAME);
        g.setStroke(new BasicStroke(1.5f));
        g.drawRect(b.x, b.y, b.w, b.h);
    }

    /** Diagonal hatching over the cells above the diagonal, clipped to their staircase. */
    private static void hatchAboveDiagonal(Graphics2D g, Block b, int t) {
        double cw = b.w / (double) t;
        double ch = b.h / (double) t;
        Path2D.Double stairs = new Path2D.Double();
        stairs.moveTo(b.x + cw, b.y);
        stairs.lineTo(b.right(), b.y);
        stairs.lineTo(b.right(), b.bottom() - ch);
        for (int i = t - 2; i >= 0; i--) {
            // Row i is masked from column i + 1 on.
            stairs.lineTo(b.x + (i + 1) * cw, b.y + (i + 1) * ch);
            stairs.lineTo(b.x + (i + 1) * cw, b.y + i * ch);
        }
        stairs.closePath();
        java.awt.Shape saved = g.getClip();
        g.clip(stairs);
        g.setColor(FigureStyle.MASK_HATCH);
        g.setStroke(new BasicStroke(1.5f));
        for (int k = -b.h; k < b.w; k += 12) {
            g.draw(new Line2D.Double(b.x + k, b.bottom(), b.x + k + b.h, b.y));
        }
        g.setClip(saved);
    }

    /** −1 → blue, 0 → white, 1 → red (a ColorBrewer RdBu-like ramp, linear in each half). */
    static int diverging(double s) {
        double a = Math.max(-1, Math.min(1, s));
        int[] low = a < 0 ? new int[] {0x21, 0x66, 0xAC} : new int[] {0xB2, 0x18, 0x2B};
        double f = Math.abs(a);
        int r = (int) Math.round(255 + (low[0] - 255) * f);
        int gg = (int) Math.round(255 + (low[1] - 255) * f);
        int bb = (int) Math.round(255 + (low[2] - 255) * f);
        return (r << 16) | (gg << 8) | bb;
    }

    private static void arrow(Graphics2D g, double x0, double y0, double x1, double y1) {
        g.setColor(ARROW);
        g.setStroke(new BasicStroke(3f));
        FigureStyle.antialias(g, true);
        g.draw(new Line2D.Double(x0, y0, x1, y1));
        double angle = Math.atan2(y1 - y0, x1 - x0);
        double len = 14;
        Path2D.Double head = new Path2D.Double();
        head.moveTo(x1, y1);
        head.lineTo(x1 - len * Math.cos(angle - 0.4), y1 - len * Math.sin(angle - 0.4));
        head.lineTo(x1 - len * Math.cos(angle + 0.4), y1 - len * Math.sin(angle + 0.4));
        head.closePath();
        g.fill(head);
    }

    /** Down from (x0, y0) by {@code drop}, across, then down into (x1, y1). */
    private static void elbow(Graphics2D g, double x0, double y0, double x1, double drop, double y1) {
        g.setColor(ARROW);
        g.setStroke(new BasicStroke(3f));
        double mid = y0 + drop;
        g.draw(new Line2D.Double(x0, y0, x0, mid));
        g.draw(new Line2D.Double(x0, mid, x1, mid));
        arrow(g, x1, mid, x1, y1);
    }
}
