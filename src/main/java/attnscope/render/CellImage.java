package attnscope.render;

import java.awt.image.BufferedImage;

/**
 * A matrix painted straight into a raster at its display size. Grids and the overview draw
 * hundreds of small heatmaps; one image each is far cheaper than a rectangle per cell, and stays
 * crisp in SVG and PDF because no viewer has to scale it.
 *
 * <p>When there are more pixels than cells, each pixel takes the colour of the cell it falls in.
 * When there are fewer (T = 2000 keys in a 300 px thumbnail), a pixel covers several cells and
 * shows the largest weight among them (colour positions are monotonic in the weight), so a single
 * weight never disappears: a leaking cell above the diagonal, or one sharp peak in a row. A pixel is
 * masked grey only when every cell it covers is masked ({@link MatrixView#isMasked}).
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
     * The cells pixel {@code p} of {@code pixels} covers along an axis of {@code cells} cells, as
     * {@code [start[p], end[p])}. More pixels than cells: the one cell the pixel falls in. Fewer:
     * blocks of exactly {@link #cellsPerPixel} cells where that tiles the axis, otherwise the cells
     * the pixel overlaps (neighbouring pixels may share one), so every cell is covered.
     */
    static int[][] spans(int cells, int pixels) {
        int[] start = new int[pixels];
        int[] end = new int[pixels];
        int k = cellsPerPixel(cells, pixels);
        for (int p = 0; p < pixels; p++) {
            if (pixels >= cells) {
                start[p] = (int) ((long) p * cells / pixels);
                end[p] = start[p] + 1;
            } else if (k > 0) {
                start[p] = p * k;
                end[p] = Math.min(cells, (p + 1) * k);
            } else {
                start[p] = (int) ((long) p * cells / pixels);
                end[p] = Math.max(start[p] + 1, (int) (((long) (p + 1) * cells + pixels - 1) / pixels));
            }
        }
        return new int[][] {start, end};
    }

    /**
     * k when {@code pixels} pixels show {@code cells} cells as blocks of exactly k (the last one may
     * be shorter): "each pixel = k × k cells". 1 when there are at least as many pixels as cells;
     * 0 when the cells do not tile the pixels in equal blocks.
     */
    static int cellsPerPixel(int cells, int pixels) {
        if (pixels >= cells) {
            return 1;
        }
        int k = (cells + pixels - 1) / pixels;
        return (cells + k - 1) / k == pixels ? k : 0;
    }

    /**
     * The same pixels as {@link #of}, written straight into an RGB raster {@code outWidth} pixels
     * wide with the top-left corner at (x0, y0): what drawing that image there writes.
     */
    static void paint(MatrixView view, ColorScale scale, int width, int height, int[] out, int outWidth, int x0, int y0) {
        int rows = view.rows();
        int cols = view.cols();
        int[][] xs = spans(cols, width);
        int[][] ys = spans(rows, height);
        // Colour positions t ∈ [0, 1] per cell of a row, −1 for a masked cell; per pixel column the
        // largest t of the cells it covers, over the rows the pixel row covers.
        double[] cellT = new double[cols];
        double[] pixelT = new double[width];
        int previousFirst = -1;
        int previousEnd = -1;
        for (int y = 0; y < height; y++) {
            int o = (y0 + y) * outWidth + x0;
            int first = ys[0][y];
            int end = ys[1][y];
            if (first == previousFirst && end == previousEnd) {
                System.arraycopy(out, o - outWidth, out, o, width);
                continue;
            }
            java.util.Arrays.fill(pixelT, -1);
            for (int r = first; r < end; r++) {
                float rowMax = scale == ColorScale.ROW ? view.rowMax(r) : 0;
                for (int c = 0; c < cols; c++) {
                    cellT[c] = view.isMasked(r, c) ? -1 : scale.position(view.value(r, c), rowMax);
                }
                for (int x = 0; x < width; x++) {
                    double t = pixelT[x];
                    for (int c = xs[0][x]; c < xs[1][x]; c++) {
                        // A NaN (a broken model) wins, so that it shows as the colour of 0 among greys.
                        if (cellT[c] > t || Double.isNaN(cellT[c])) {
                            t = cellT[c];
                        }
                    }
                    pixelT[x] = t;
                }
            }
            for (int x = 0; x < width; x++) {
                out[o + x] = pixelT[x] == -1 ? FigureStyle.MASK_RGB : Viridis.rgb(pixelT[x]);
            }
            previousFirst = first;
            previousEnd = end;
        }
    }
}
