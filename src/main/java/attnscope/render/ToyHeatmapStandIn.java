package attnscope.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * TEMPORARY: a small attention heatmap for the toy's matrices, until the project's heatmap
 * renderer (the one used for the real model's figures, attnscope.render.Heatmap*) is available on
 * this branch. It must then be replaced by that renderer so the toy and the real model share
 * one renderer and one colour scale. Colour scale: weights 0 → 1 from white to dark blue,
 * fixed (not stretched to the data), so two heatmaps can be compared by eye.
 */
public final class ToyHeatmapStandIn {
    private static final int CELL = 72;
    private static final int LEFT = 130;
    private static final int TOP = 110;
    private static final int BAR = 70;

    private ToyHeatmapStandIn() {
    }

    /**
     * @param title  figure title
     * @param tokens (T) row and column labels
     * @param w      (T, T) weights in [0, 1]; a null row is drawn grey (no softmax)
     */
    public static BufferedImage draw(String title, List<String> tokens, double[][] w) {
        int t = tokens.size();
        int width = LEFT + t * CELL + BAR + 40;
        int height = TOP + t * CELL + 40;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(ToyCharts.FONT, Font.BOLD, 16));
            g.drawString(title, 10, 24);
            g.setFont(new Font(ToyCharts.FONT, Font.PLAIN, 13));
            FontMetrics fm = g.getFontMetrics();
            g.drawString("key position →", LEFT, TOP - 62);
            g.drawString("query ↓", 10, TOP - 10);
            for (int j = 0; j < t; j++) {
                String label = j + " " + tokens.get(j);
                g.drawString(label, LEFT + j * CELL + (CELL - fm.stringWidth(label)) / 2, TOP - 14);
                g.drawString(label, LEFT - 10 - fm.stringWidth(label), TOP + j * CELL + CELL / 2 + fm.getAscent() / 2 - 2);
            }
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    int x = LEFT + j * CELL;
                    int y = TOP + i * CELL;
                    if (w[i] == null) {
                        g.setColor(new Color(0xBBBBBB));
                        g.fillRect(x, y, CELL, CELL);
                        continue;
                    }
                    Color c = color(w[i][j]);
                    g.setColor(c);
                    g.fillRect(x, y, CELL, CELL);
                    String s = String.format(java.util.Locale.ROOT, "%.2f", w[i][j]);
                    g.setColor(luminance(c) < 0.5 ? Color.WHITE : Color.BLACK);
                    g.drawString(s, x + (CELL - fm.stringWidth(s)) / 2, y + CELL / 2 + fm.getAscent() / 2 - 2);
                }
            }
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(LEFT, TOP, t * CELL, t * CELL);
            // Colour bar: 0 at the bottom, 1 at the top.
            int bx = LEFT + t * CELL + 25;
            int bh = t * CELL;
            for (int y = 0; y < bh; y++) {
                g.setColor(color(1.0 - (double) y / (bh - 1)));
                g.fillRect(bx, TOP + y, 18, 1);
            }
            g.setColor(Color.BLACK);
            g.drawRect(bx, TOP, 18, bh);
            g.drawString("1", bx + 24, TOP + fm.getAscent() / 2);
            g.drawString("0", bx + 24, TOP + bh + fm.getAscent() / 2 - 2);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** White (0) to dark blue (1), linear in each channel. */
    static Color color(double w) {
        double v = Math.max(0, Math.min(1, w));
        int r = (int) Math.round(255 + v * (8 - 255));
        int gr = (int) Math.round(255 + v * (48 - 255));
        int b = (int) Math.round(255 + v * (107 - 255));
        return new Color(r, gr, b);
    }

    private static double luminance(Color c) {
        return (0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue()) / 255.0;
    }
}
