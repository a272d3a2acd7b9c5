package attnscope.render;

import java.awt.Graphics2D;

/**
 * A drawing of a fixed size in pixels (points in PDF). One {@link #draw} serves every format:
 * {@link FigureWriter} hands it a raster, SVG or PDF Graphics2D.
 */
public interface Figure {
    int width();

    int height();

    /** The smallest text the figure may draw, in px: 0, or 24 px at 1080 px high in projector mode. */
    default double minTextPx() {
        return 0;
    }

    /** Draws the whole figure with its top-left corner at (0, 0); the background is already white. */
    void draw(Graphics2D g);
}
