package attnscope.attention;

/**
 * Turning scores into weights that sum to 1 along each row: softmax (what models use) and the
 * handout's first attempt, dividing each score by the row's sum.
 */
public final class Normalization {
    private Normalization() {
    }

    /**
     * Row-wise softmax, w_j = exp(s_j − max) / Σ exp(s_k − max), of a (rows, cols) matrix.
     *
     * <p>Subtracting the row max changes nothing mathematically (it cancels in the ratio) but
     * keeps exp from overflowing for large scores. Masked entries (−∞) become exactly 0.
     *
     * @throws FullyMaskedRowException when a row has no finite entry: its softmax is 0/0
     */
    public static float[] softmaxRows(float[] scores, int cols) {
        Scores.requireRows("scores", scores, cols);
        int rows = scores.length / cols;
        float[] weights = new float[scores.length];
        double[] e = new double[cols]; // one row's exponentials, reused for every row
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, scores[base + c]);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                throw new FullyMaskedRowException(r);
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                e[c] = Math.exp(scores[base + c] - max);
                sum += e[c];
            }
            for (int c = 0; c < cols; c++) {
                weights[base + c] = (float) (e[c] / sum);
            }
        }
        return weights;
    }

    /**
     * The handout's sum-normalisation, w_j = s_j / Σ s_k, row by row.
     *
     * <p>It only means "a share of the attention" when every score is ≥ 0 and the sum is
     * positive; otherwise weights come out negative or infinite. Such rows are refused with a
     * message that says why, rather than printing nonsense.
     *
     * @throws SumNormalizationUndefinedException for a row with a negative score or a sum ≤ 0
     */
    public static double[] sumNormalizeRows(double[] scores, int cols) {
        if (cols <= 0 || scores.length % cols != 0) {
            throw new IllegalArgumentException("Expected rows of " + cols + " scores but found " + scores.length + " values");
        }
        int rows = scores.length / cols;
        double[] weights = new double[scores.length];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                double s = scores[r * cols + c];
                if (s < 0) {
                    throw new SumNormalizationUndefinedException(r, c, s, "a negative score would become a negative weight");
                }
                sum += s;
            }
            if (!(sum > 0)) {
                throw new SumNormalizationUndefinedException(r, -1, sum, "the scores sum to " + sum + ", so dividing by the sum is undefined");
            }
            for (int c = 0; c < cols; c++) {
                weights[r * cols + c] = scores[r * cols + c] / sum;
            }
        }
        return weights;
    }

    /** Softmax in double precision for the toy, where every digit is printed. */
    public static double[] softmaxRows(double[] scores, int cols) {
        if (cols <= 0 || scores.length % cols != 0) {
            throw new IllegalArgumentException("Expected rows of " + cols + " scores but found " + scores.length + " values");
        }
        int rows = scores.length / cols;
        double[] weights = new double[scores.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, scores[r * cols + c]);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                throw new FullyMaskedRowException(r);
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                weights[r * cols + c] = Math.exp(scores[r * cols + c] - max);
                sum += weights[r * cols + c];
            }
            for (int c = 0; c < cols; c++) {
                weights[r * cols + c] /= sum;
            }
        }
        return weights;
    }

    /** Thrown when every key of a query row is masked: softmax has nothing to normalise. */
    public static final class FullyMaskedRowException extends IllegalArgumentException {
        private final int row;

        public FullyMaskedRowException(int row) {
            super("row " + row + " is masked entirely (every score is −∞), so it has no softmax: "
                    + "a query must be allowed to see at least one key");
            this.row = row;
        }

        public int row() {
            return row;
        }
    }

    /** Thrown when sum-normalisation would not produce weights (negative scores, or sum ≤ 0). */
    public static final class SumNormalizationUndefinedException extends IllegalArgumentException {
        public SumNormalizationUndefinedException(int row, int col, double value, String why) {
            super("sum-normalisation is meaningless for row " + row
                    + (col >= 0 ? " (score " + value + " at key " + col + ")" : "")
                    + ": " + why + "; use softmax, which is defined for any real scores");
        }
    }
}
