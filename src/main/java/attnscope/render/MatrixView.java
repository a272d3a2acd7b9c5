package attnscope.render;

import attnscope.tensor.Shapes;
import attnscope.tensor.Tensor;
import java.util.List;

/**
 * A (rows, cols) matrix of weights to draw, with a label per row and per column and the cells
 * that are masked. For an attention pattern, rows are query positions and columns key positions.
 * The values are read in place from {@code data} starting at {@code offset}, row-major: a head of
 * a (H, T, T) pattern is a view, not a copy.
 *
 * @param data      row-major values
 * @param offset    index of cell (0, 0) in data
 * @param rows      number of rows (queries)
 * @param cols      number of columns (keys)
 * @param rowLabels one display label per row (see {@link TokenLabels})
 * @param colLabels one display label per column
 * @param causal    cells with column &gt; row are masked (a causal decoder hides the future)
 * @param masked    (rows·cols) further masked cells, or null
 */
public record MatrixView(float[] data, int offset, int rows, int cols, List<String> rowLabels,
        List<String> colLabels, boolean causal, boolean[] masked) {

    public MatrixView {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("Expected a matrix with rows and columns but found (" + rows + ", " + cols + ")");
        }
        if (offset < 0 || (long) offset + (long) rows * cols > data.length) {
            throw new IllegalArgumentException("Expected " + rows + "×" + cols + " values from index " + offset
                    + " but the array holds " + data.length);
        }
        if (rowLabels.size() != rows || colLabels.size() != cols) {
            throw new IllegalArgumentException("Expected " + rows + " row labels and " + cols
                    + " column labels but found " + rowLabels.size() + " and " + colLabels.size());
        }
        if (masked != null && masked.length != rows * cols) {
            throw new IllegalArgumentException("Expected a mask of " + rows * cols + " cells but found " + masked.length);
        }
        rowLabels = List.copyOf(rowLabels);
        colLabels = List.copyOf(colLabels);
    }

    /**
     * Head {@code head} of a layer's pattern (H, T, T), labelled with the same display labels on
     * both axes.
     */
    public static MatrixView ofHead(Tensor pattern, int head, List<String> labels, boolean causal) {
        if (pattern.rank() != 3 || pattern.dim(1) != pattern.dim(2)) {
            throw new IllegalArgumentException("Expected a pattern (H, T, T) but found " + Shapes.format(pattern.shape()));
        }
        int t = pattern.dim(1);
        if (head < 0 || head >= pattern.dim(0)) {
            throw new IndexOutOfBoundsException("Head " + head + " outside pattern " + Shapes.format(pattern.shape()));
        }
        return new MatrixView(pattern.data(), head * t * t, t, t, labels, labels, causal, null);
    }

    /** A free matrix (rows·cols values, row-major) with its labels; {@code masked} may be null. */
    public static MatrixView of(float[] matrix, int rows, int cols, List<String> rowLabels, List<String> colLabels,
            boolean[] masked) {
        return new MatrixView(matrix, 0, rows, cols, rowLabels, colLabels, false, masked);
    }

    /**
     * The cells of a window (queries [q0, q1), keys [k0, k1), clipped to this matrix) as a view of
     * their own, copied, with the cells where the mask applies flagged, so that masked and leaking
     * cells are told apart as in the whole matrix.
     */
    public MatrixView window(Projector.Window w) {
        int q0 = Math.min(w.q0(), rows - 1);
        int q1 = Math.min(w.q1(), rows);
        int k0 = Math.min(w.k0(), cols - 1);
        int k1 = Math.min(w.k1(), cols);
        int r = q1 - q0;
        int c = k1 - k0;
        float[] values = new float[r * c];
        boolean[] applies = new boolean[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                values[i * c + j] = value(q0 + i, k0 + j);
                applies[i * c + j] = maskApplies(q0 + i, k0 + j);
            }
        }
        // labels carry their position: a window no longer starts at 0
        java.util.List<String> rl = new java.util.ArrayList<>();
        for (int i = q0; i < q1; i++) {
            rl.add(i + " " + rowLabels.get(i));
        }
        java.util.List<String> cl = new java.util.ArrayList<>();
        for (int j = k0; j < k1; j++) {
            cl.add(j + " " + colLabels.get(j));
        }
        return new MatrixView(values, 0, r, c, rl, cl, false, applies);
    }

    public float value(int row, int col) {
        return data[offset + row * cols + col];
    }

    /**
     * Whether the mask applies to this cell: a key after the query in a causal model, or a cell
     * the explicit mask flags. Where it applies, a correct model gives weight exactly 0 (or −∞ for
     * scores before the softmax); see {@link #isMasked} and {@link #isLeak}.
     */
    public boolean maskApplies(int row, int col) {
        return (causal && col > row) || (masked != null && masked[row * cols + col]);
    }

    /**
     * Whether the cell is drawn as masked (grey, hatched): the mask applies AND the model's value is
     * what the mask produces, exactly 0 (a weight) or −∞ (a score). The position alone never makes
     * a cell masked: a model whose mask leaks must show its weights.
     */
    public boolean isMasked(int row, int col) {
        if (!maskApplies(row, col)) {
            return false;
        }
        float v = value(row, col);
        return v == 0 || v == Float.NEGATIVE_INFINITY;
    }

    /** A cell where the mask applies but the model put a weight (or NaN): the mask leaks here. */
    public boolean isLeak(int row, int col) {
        return maskApplies(row, col) && !isMasked(row, col);
    }

    /** The cells where the mask leaks ({@link #isLeak}): how many, and the largest weight among them. */
    public Leaks leaks() {
        int count = 0;
        float max = 0;
        if (!causal && masked == null) {
            return new Leaks(0, 0);
        }
        for (int r = 0; r < rows; r++) {
            for (int c = causal && masked == null ? r + 1 : 0; c < cols; c++) {
                if (isLeak(r, c)) {
                    count++;
                    float v = value(r, c);
                    max = Float.isNaN(v) || Float.isNaN(max) ? Float.NaN : Math.max(max, v);
                }
            }
        }
        return new Leaks(count, max);
    }

    /**
     * Cells where the mask applies but the model's value is not 0: {@code count} of them, the
     * largest value {@code max} (NaN when one is NaN).
     */
    public record Leaks(long count, float max) {
        public static final Leaks NONE = new Leaks(0, 0);

        public boolean any() {
            return count > 0;
        }

        public Leaks plus(Leaks o) {
            float m = Float.isNaN(max) || Float.isNaN(o.max) ? Float.NaN : Math.max(max, o.max);
            return new Leaks(count + o.count, count + o.count == 0 ? 0 : m);
        }

        /**
         * "⚠ the mask leaks: 55 cells above the diagonal carry weight, max 0.82" (where: "above the
         * diagonal" for a causal mask, "where the mask applies" otherwise).
         */
        public String sentence(String where) {
            return String.format(java.util.Locale.ROOT, "⚠ the mask leaks: %d cell%s %s carr%s weight, max %s", count,
                    count == 1 ? "" : "s", where, count == 1 ? "ies" : "y",
                    Float.isNaN(max) ? "NaN" : String.format(java.util.Locale.ROOT, "%.3g", max));
        }
    }

    /** Where masked cells are, in words: "above the diagonal" for a causal mask. */
    public String maskPlace() {
        return causal ? "above the diagonal" : "where the mask applies";
    }

    /** Whether the mask applies to any cell (each drawn masked or leaking). */
    public boolean anyMasked() {
        if (causal && cols > 1) {
            return true;
        }
        if (masked != null) {
            for (boolean m : masked) {
                if (m) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The largest unmasked value in a row (for the row colour scale), or 0. */
    public float rowMax(int row) {
        float max = 0;
        for (int c = 0; c < cols; c++) {
            if (!isMasked(row, c)) {
                max = Math.max(max, value(row, c));
            }
        }
        return max;
    }

    /** The colour (0xRRGGBB) of a cell: viridis for weights, {@link FigureStyle#MASK_RGB} for masked cells. */
    int rgb(int row, int col, ColorScale scale, float rowMax) {
        if (isMasked(row, col)) {
            return FigureStyle.MASK_RGB;
        }
        return Viridis.rgb(scale.position(value(row, col), rowMax));
    }
}
