package attnscope.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import org.jfree.pdf.PDFHints;

/**
 * What every figure shares: fonts, colours, the look of masked cells, the colour bar, the
 * synthetic-model banner, and text placement. Text is measured with one fixed
 * {@link FontRenderContext} so that layout does not depend on the output format.
 */
final class FigureStyle {
    /** Labels and titles; a logical font, so the same machine always draws the same glyphs. */
    static final String FONT_FAMILY = Font.SANS_SERIF;
    static final Color TEXT = new Color(0x22, 0x22, 0x22);
    static final Color MUTED = new Color(0x55, 0x55, 0x55);
    /** Masked cells: light grey, hatched, unmistakable for weight 0 (viridis's dark purple). */
    static final Color MASK_FILL = new Color(0xE4, 0xE4, 0xE4);
    static final Color MASK_HATCH = new Color(0xA8, 0xA8, 0xA8);
    static final int MASK_RGB = MASK_FILL.getRGB() & 0xFFFFFF;
    /** The synthetic banner: white on red, impossible to overlook. */
    static final Color BANNER_FILL = new Color(0xB0, 0x00, 0x20);
    static final Color FRAME = new Color(0x44, 0x44, 0x44);
    /** Outlines and words for a mask that leaks: weight where the mask should have left exactly 0. */
    static final Color LEAK = new Color(0xE0, 0x10, 0x10);

    /** Measures text as figures draw it: anti-aliased, fractional metrics, no transform. */
    static final FontRenderContext FRC = new FontRenderContext(null, true, true);

    private FigureStyle() {
    }

    static Font font(float size, boolean bold) {
        return new Font(FONT_FAMILY, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont(size);
    }

    static double width(Font font, String s) {
        return font.getStringBounds(s, FRC).getWidth();
    }

    /** Distance from the vertical centre of a line of text to its baseline. */
    static double centreToBaseline(Font font) {
        var lm = font.getLineMetrics("Hg", FRC);
        return (lm.getAscent() - lm.getDescent()) / 2;
    }

    static Color color(int rgb) {
        return new Color(rgb);
    }

    /**
     * The smallest text size (px, a Double) a figure may draw on this Graphics2D: set in projector
     * mode ({@link FigureWriter#prepare}), checked by every text drawn ({@link #text}).
     */
    static final RenderingHints.Key MIN_TEXT_PX = new RenderingHints.Key(0x617474) {
        @Override
        public boolean isCompatibleValue(Object value) {
            return value instanceof Double;
        }
    };

    /**
     * Draws text: every text of every figure passes here, so this is where projector mode holds
     * its promise. Text smaller than the Graphics2D's {@link #MIN_TEXT_PX} is a layout bug, and
     * refused rather than drawn illegibly.
     */
    static void text(Graphics2D g, Font font, Color color, String s, double x, double baseline) {
        text(g, font, color, s, x, baseline, 0);
    }

    /**
     * Text whose box, measured with the figure's font, starts at x; {@code align} (0 left, 0.5
     * centre, 1 right) says which point of it must stay put where the drawn text is narrower (PDF).
     */
    private static void text(Graphics2D g, Font font, Color color, String s, double x, double baseline, double align) {
        requireLegible(g, font, s);
        if (g.getRenderingHint(PDFHints.KEY_DRAW_STRING_TYPE) != null) {
            pdfText(g, font, color, s, x, baseline, align);
            return;
        }
        g.setFont(font);
        g.setColor(color);
        g.drawString(s, (float) x, (float) baseline);
    }

    /**
     * Text in a PDF: runs of plain ASCII (numbers, most words) as text in PDF's standard Helvetica,
     * a few bytes each; runs of anything else ("␣", "√", "·") as outlines, which the standard fonts
     * cannot show (outlines for every glyph made a heatmap's PDF 5× larger). Runs are placed by
     * Helvetica's own widths ({@link PdfStandardFont}), so they join in any viewer; the string
     * keeps the left edge, centre or right edge (align) the layout measured with the figure's font.
     */
    private static void pdfText(Graphics2D g, Font font, Color color, String s, double x, double baseline, double align) {
        g.setFont(font);
        g.setColor(color);
        java.util.List<String> runs = new java.util.ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            boolean plain = PdfStandardFont.covers(s.charAt(i));
            int j = i + 1;
            while (j < s.length() && PdfStandardFont.covers(s.charAt(j)) == plain) {
                j++;
            }
            runs.add(s.substring(i, j));
            i = j;
        }
        double total = 0;
        for (String run : runs) {
            total += pdfWidth(font, run);
        }
        double at = x + align * (width(font, s) - total);
        for (String run : runs) {
            boolean plain = PdfStandardFont.covers(run.charAt(0));
            g.setRenderingHint(PDFHints.KEY_DRAW_STRING_TYPE,
                    plain ? PDFHints.VALUE_DRAW_STRING_TYPE_STANDARD : PDFHints.VALUE_DRAW_STRING_TYPE_VECTOR);
            g.drawString(run, (float) at, (float) baseline);
            at += pdfWidth(font, run);
        }
    }

    /** A run's width in a PDF: Helvetica's for plain runs, the figure font's for outlined ones. */
    private static double pdfWidth(Font font, String run) {
        return PdfStandardFont.covers(run.charAt(0)) ? PdfStandardFont.width(font, run) : width(font, run);
    }

    /** @throws IllegalStateException when {@code font} is below the Graphics2D's minimum text size */
    static void requireLegible(Graphics2D g, Font font, String s) {
        if (g.getRenderingHint(MIN_TEXT_PX) instanceof Double min) {
            AffineTransform t = g.getTransform();
            double px = font.getSize2D() * Math.sqrt(Math.abs(t.getDeterminant()));
            if (px < min - 1e-3) {
                throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                        "projector mode: \"%s\" would be drawn at %.1f px, below the minimum of %.1f px", s, px, min));
            }
        }
    }

    static void textCentred(Graphics2D g, Font font, Color color, String s, double cx, double baseline) {
        text(g, font, color, s, cx - width(font, s) / 2, baseline, 0.5);
    }

    static void textRight(Graphics2D g, Font font, Color color, String s, double right, double baseline) {
        text(g, font, color, s, right - width(font, s), baseline, 1);
    }

    /** Text turned 90° anticlockwise (reads bottom to top), its baseline on x, centred on cy. */
    static void textUp(Graphics2D g, Font font, Color color, String s, double x, double cy) {
        textUpEndingAt(g, font, color, s, x, cy - width(font, s) / 2);
    }

    /** Text turned 90° anticlockwise whose end sits at (x, endY): tick labels hanging below a plot. */
    static void textUpEndingAt(Graphics2D g, Font font, Color color, String s, double x, double endY) {
        AffineTransform saved = g.getTransform();
        g.translate(x, endY);
        g.rotate(-Math.PI / 2);
        text(g, font, color, s, -width(font, s), 0, 1);
        g.setTransform(saved);
    }

    /**
     * A masked rectangle: light grey with diagonal hatching ("/") at {@code spacing} px, or no
     * hatching when spacing is infinite (see {@link #maskedShape}).
     */
    static void maskedRect(Graphics2D g, int x, int y, int w, int h, double spacing) {
        if (w < 4 || h < 4) {
            spacing = Double.POSITIVE_INFINITY;
        }
        maskedShape(g, new java.awt.Rectangle(x, y, w, h), spacing);
    }

    /**
     * A masked region drawn as ONE shape: filled light grey, then hatched with diagonal lines ("/")
     * at {@code spacing} px, all lines one path clipped to the region. In SVG and PDF that is three
     * elements however many cells the region covers. The lines x + y = k lie on one grid for the
     * whole figure, and they are 45° lines drawn without anti-aliasing: exact pixel staircases.
     */
    static void maskedShape(Graphics2D g, java.awt.Shape region, double spacing) {
        java.awt.Rectangle box = region.getBounds();
        if (box.isEmpty()) {
            return;
        }
        g.setColor(MASK_FILL);
        g.fill(region);
        if (Double.isInfinite(spacing)) {
            return;
        }
        double step = spacing * Math.sqrt(2);
        java.awt.geom.Path2D.Double lines = new java.awt.geom.Path2D.Double();
        double x0 = box.x;
        double y0 = box.y;
        double x1 = box.x + box.width;
        double y1 = box.y + box.height;
        for (double k = Math.ceil((x0 + y0) / step) * step; k <= x1 + y1; k += step) {
            double xa = Math.max(x0, k - y1);
            double xb = Math.min(x1, k - y0);
            if (xb > xa) {
                lines.moveTo(xa, k - xa);
                lines.lineTo(xb, k - xb);
            }
        }
        java.awt.Shape savedClip = g.getClip();
        g.clip(region);
        g.setColor(MASK_HATCH);
        g.draw(lines);
        g.setClip(savedClip);
    }

    /** Sets the stroke used for hatching and frames. */
    static void hairline(Graphics2D g, float width) {
        g.setStroke(new BasicStroke(width));
    }

    static void antialias(Graphics2D g, boolean on) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING,
                on ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
    }

    /**
     * The synthetic-model banner across the top of a figure. Returns its height, or 0 when
     * there is no label.
     */
    static int banner(Graphics2D g, String label, int width, double unit) {
        int h = bannerHeight(label, unit);
        if (h == 0) {
            return 0;
        }
        Font f = font((float) (30 * unit), true);
        g.setColor(BANNER_FILL);
        g.fillRect(0, 0, width, h);
        textCentred(g, f, Color.WHITE, label, width / 2.0, h / 2.0 + centreToBaseline(f));
        return h;
    }

    /**
     * The top of a figure: the synthetic-model banner (if any), then a bold title and a muted
     * subtitle starting at {@code x}. Returns the banner's height, from which the figure lays out
     * the rest.
     */
    static int header(Graphics2D g, FigureOptions options, int width, double unit, double x, String title, String subtitle) {
        int bannerH = banner(g, options.syntheticLabel(), width, unit);
        double y = headerTitle(g, options, unit, x, title);
        Font sub = font((float) (24 * unit), false);
        text(g, sub, MUTED, subtitle, x, y + 12 * unit + sub.getSize2D());
        return bannerH;
    }

    /**
     * Only the title line of {@link #header}, at the same place: for a figure drawn from a template
     * that has the rest of the header. Returns the title's baseline.
     */
    static double headerTitle(Graphics2D g, FigureOptions options, double unit, double x, String title) {
        Font titleFont = font((float) (40 * unit), true);
        double y = bannerHeight(options.syntheticLabel(), unit) + 24 * unit + titleFont.getSize2D();
        text(g, titleFont, TEXT, title, x, y);
        return y;
    }

    /** The height of the synthetic-model banner, 0 without a label. */
    static int bannerHeight(String label, double unit) {
        return label == null || label.isEmpty() ? 0 : (int) Math.round(52 * unit);
    }

    /** Width a colour bar with its ticks and caption needs, for layout. */
    static double colorBarWidth(ColorScale scale, double unit) {
        Font tick = font((float) (20 * unit), false);
        double widest = 0;
        for (ColorScale.Tick t : scale.ticks()) {
            widest = Math.max(widest, width(tick, t.text()));
        }
        return 34 * unit + 10 * unit + widest + 16 * unit + 26 * unit;
    }

    /**
     * A vertical colour bar at (x, y) of the given bar width and height, its ticks to the right
     * and the scale's caption turned along it.
     */
    static void colorBar(Graphics2D g, ColorScale scale, int x, int y, int barWidth, int height, double unit) {
        antialias(g, false);
        // One image of the bar at its display size (256 rectangles were 15 KB of every SVG and PDF).
        // Entry i covers t ∈ [i/256, (i+1)/256); t grows upwards; the rows are those that drawing
        // the entries bottom to top, each reaching 1 px into the next, always gave.
        BufferedImage bar = new BufferedImage(Math.max(1, barWidth), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        int[] px = ((java.awt.image.DataBufferInt) bar.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < Viridis.SIZE; i++) {
            int top = (int) Math.round(height * (1 - (i + 1) / (double) Viridis.SIZE)) - (i + 1 < Viridis.SIZE ? 1 : 0);
            int bottom = (int) Math.round(height * (1 - i / (double) Viridis.SIZE));
            for (int row = Math.max(0, top); row < Math.min(height, bottom); row++) {
                java.util.Arrays.fill(px, row * bar.getWidth(), (row + 1) * bar.getWidth(), Viridis.entry(i));
            }
        }
        g.drawImage(bar, x, y, null);
        g.setColor(FRAME);
        hairline(g, 1f);
        g.drawRect(x, y, barWidth, height);
        Font tick = font((float) (20 * unit), false);
        double widest = 0;
        for (ColorScale.Tick t : scale.ticks()) {
            double ty = y + height * (1 - t.position());
            g.setColor(FRAME);
            g.drawLine(x + barWidth, (int) Math.round(ty), x + barWidth + (int) Math.round(8 * unit), (int) Math.round(ty));
            text(g, tick, TEXT, t.text(), x + barWidth + 10 * unit, ty + centreToBaseline(tick));
            widest = Math.max(widest, width(tick, t.text()));
        }
        Font caption = font((float) (22 * unit), false);
        double cx = x + barWidth + 10 * unit + widest + 16 * unit + centreToBaseline(caption) + 8 * unit;
        textUp(g, caption, TEXT, scale.label(), cx, y + height / 2.0);
    }
}
