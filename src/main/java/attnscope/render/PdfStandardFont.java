package attnscope.render;

import java.awt.Font;

/**
 * The advance widths of PDF's standard Helvetica and Helvetica-Bold (Adobe's AFM files, 1/1000 em)
 * for printable ASCII: what every PDF viewer uses to place the glyphs of text written in these
 * fonts, whatever font it draws them with. {@link FigureStyle} places the outlined runs of a
 * string after such text by these widths, so runs join without gaps in any viewer.
 */
final class PdfStandardFont {
    private PdfStandardFont() {
    }

    /** Widths of ' ' (0x20) to '~' (0x7E), Helvetica. */
    private static final short[] REGULAR = {
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584};
    /** Widths of ' ' (0x20) to '~' (0x7E), Helvetica-Bold. */
    private static final short[] BOLD = {
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584};

    /** Whether c is drawn as standard-font text (printable ASCII that JFreePDF writes unescaped). */
    static boolean covers(char c) {
        return c >= 0x20 && c < 0x7F && c != '\\' && c != '(' && c != ')';
    }

    /** The width of {@code s} (only {@link #covers covered} characters) in {@code font}'s size, in px. */
    static double width(Font font, String s) {
        short[] w = font.isBold() ? BOLD : REGULAR;
        long units = 0;
        for (int i = 0; i < s.length(); i++) {
            units += w[s.charAt(i) - 0x20];
        }
        return units * font.getSize2D() / 1000.0;
    }
}
