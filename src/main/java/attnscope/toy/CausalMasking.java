package attnscope.toy;

import attnscope.attention.Masks;
import attnscope.attention.Normalization;

/**
 * The causal mask on a given score matrix: add −∞ above the diagonal (query i may not see
 * key j &gt; i), then softmax row by row. A row whose every entry is −∞ has no softmax (0/0):
 * it is reported, never printed as NaN. When a slide's post-softmax numbers are given, each is
 * compared with the correct one: rows must sum to 1 and entries must agree to the slide's
 * printed precision.
 */
public final class CausalMasking {
    /** A slide's row sum counts as 1 within this (printed numbers are rounded). */
    public static final double ROW_SUM_TOLERANCE = 0.01;
    /** A slide's entry counts as right within atol + rtol·|correct|. */
    public static final double ENTRY_ATOL = 0.005;
    public static final double ENTRY_RTOL = 0.01;

    /**
     * @param example         the inputs
     * @param masked          (T, T) scores + causal mask
     * @param weights         (T, T); a row is null when fully masked
     * @param fullyMaskedRows rows that have no softmax
     * @param slideRowSums    (T) Σ of each slide row, or null without slide weights
     * @param slideWrong      (T, T) true where a slide entry disagrees with the correct weight, or null
     */
    public record Result(CausalExample example, double[][] masked, double[][] weights, java.util.List<Integer> fullyMaskedRows,
            double[] slideRowSums, boolean[][] slideWrong) {

        /** Whether the slide's numbers are right (true when there are none). */
        public boolean slideCorrect() {
            if (slideWrong == null) {
                return true;
            }
            for (int i = 0; i < slideWrong.length; i++) {
                if (Math.abs(slideRowSums[i] - 1) > ROW_SUM_TOLERANCE && weights[i] != null) {
                    return false;
                }
                for (boolean b : slideWrong[i]) {
                    if (b) {
                        return false;
                    }
                }
            }
            return true;
        }

        public boolean slideRowSumsToOne(int row) {
            return Math.abs(slideRowSums[row] - 1) <= ROW_SUM_TOLERANCE;
        }
    }

    private CausalMasking() {
    }

    public static Result compute(CausalExample ex) {
        int t = ex.length();
        float[] mask = Masks.causal(t);
        double[][] masked = new double[t][t];
        double[][] weights = new double[t][];
        java.util.List<Integer> fully = new java.util.ArrayList<>();
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                masked[i][j] = ex.scores()[i][j] + mask[i * t + j];
            }
            try {
                weights[i] = Normalization.softmaxRows(masked[i], t);
            } catch (Normalization.FullyMaskedRowException e) {
                fully.add(i); // softmax of a row of −∞ is 0/0: there are no weights to show
            }
        }
        double[] sums = null;
        boolean[][] wrong = null;
        if (ex.slideWeights() != null) {
            sums = new double[t];
            wrong = new boolean[t][t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    double s = ex.slideWeights()[i][j];
                    sums[i] += s;
                    if (weights[i] != null) {
                        double c = weights[i][j];
                        wrong[i][j] = Math.abs(s - c) > ENTRY_ATOL + ENTRY_RTOL * Math.abs(c);
                    }
                }
            }
        }
        return new Result(ex, masked, weights, java.util.List.copyOf(fully), sums, wrong);
    }
}
