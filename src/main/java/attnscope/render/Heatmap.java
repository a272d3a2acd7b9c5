package attnscope.render;

import java.nio.file.Path;
import java.util.List;

/**
 * The heatmap of any labelled matrix with the same renderer and colour scale as the lesson's
 * head heatmaps: the handout's toy matrices are drawn exactly like Qwen's patterns.
 */
public final class Heatmap {
    private Heatmap() {
    }

    /**
     * Writes a heatmap of a (rows, cols) matrix of weights in [0, 1] in every format of
     * {@code options}.
     *
     * @param matrix    rows·cols values, row-major (row = query, column = key)
     * @param rowLabels one token per row, as the tokenizer wrote it (made readable here)
     * @param colLabels one token per column
     * @param title     the figure's title
     * @param masked    rows·cols flags, true where the mask hid a cell (drawn grey and hatched), or null
     * @param out       the output file; its extension, if any, is replaced by each format's
     *                  ("toy/pattern.png" with PNG and SVG gives toy/pattern.png and toy/pattern.svg)
     * @return the files written, in the order PNG, SVG, PDF
     */
    public static List<Path> write(float[] matrix, int rows, int cols, List<String> rowLabels, List<String> colLabels,
            String title, boolean[] masked, Path out, FigureOptions options) {
        if (matrix.length != rows * cols) {
            throw new IllegalArgumentException("Expected " + rows + "×" + cols + " = " + rows * cols
                    + " values but found " + matrix.length);
        }
        MatrixView view = MatrixView.of(matrix, rows, cols, TokenLabels.display(rowLabels), TokenLabels.display(colLabels),
                masked);
        Path dir = out.toAbsolutePath().getParent();
        return FigureWriter.write(figure(view, title, null, options), dir, baseName(out), options);
    }

    /** The heatmap as a {@link Figure}, to draw onto any Graphics2D or write with {@link FigureWriter}. */
    public static Figure figure(MatrixView view, String title, String subtitle, FigureOptions options) {
        return HeatmapFigure.pattern(view, title, subtitle, options);
    }

    /** The file name without a .png/.svg/.pdf extension. */
    static String baseName(Path out) {
        String name = out.getFileName().toString();
        for (FigureFormat f : FigureFormat.values()) {
            String ext = "." + f.extension();
            if (name.toLowerCase(java.util.Locale.ROOT).endsWith(ext)) {
                return name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }
}
