package attnscope.render;

import java.awt.image.BufferedImage;

/**
 * A matrix painted straight into a raster at its display size: each pixel takes the colour of
 * the cell it falls in. Grids and the overview draw hundreds of small heatmaps; one image each is
 * far cheaper than a rectangle per cell, and stays crisp in SVG and PDF because no viewer has to
 * scale it.
 */
final class CellImage {
    private CellImage() {
    }

    /** The matrix as a {@code width × height} RGB image, masked cells in the masked grey. */
    static BufferedImage of(MatrixView view, ColorScale scale, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        paint(view, scale, width, height, FigureWriter.pixels(image), width, 0, 0);
        return image;
    }

    /**
     * The same pixels as {@link #of}, written straight into an RGB raster {@code outWidth} pixels
     * wide with the top-left corner at (x0, y0): what drawing that image there writes.
     */
    static void paint(MatrixView view, ColorScale scale, int width, int height, int[] out, int outWidth, int x0, int y0) {
        int rows = view.rows();
        int cols = view.cols();
        // Colours per cell first (rows·cols), then pixels copy them: each cell's colour is computed once.
        int[] cellRgb = new int[rows * cols];
        for (int r = 0; r < rows; r++) {
            float rowMax = scale == ColorScale.ROW ? view.rowMax(r) : 0;
            for (int c = 0; c < cols; c++) {
                cellRgb[r * cols + c] = view.rgb(r, c, scale, rowMax);
            }
        }
        int[] colOfX = new int[width];
        for (int x = 0; x < width; x++) {
            colOfX[x] = (int) ((long) x * cols / width);
        }
        int previousRow = -1;
        for (int y = 0; y < height; y++) {
            int r = (int) ((long) y * rows / height);
            int o = (y0 + y) * outWidth + x0;
            if (r == previousRow) {
                System.arraycopy(out, o - outWidth, out, o, width);
                continue;
            }
            int base = r * cols;
            for (int x = 0; x < width; x++) {
                out[o + x] = cellRgb[base + colOfX[x]];
            }
            previousRow = r;
        }
    }
}
