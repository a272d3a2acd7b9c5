package attnscope.toy;

import attnscope.attention.Masks;
import attnscope.attention.Normalization;

/**
 * Attention for all queries at once, as matrices: scores = Q·Kᵀ (÷√d_k when scaled, + the
 * causal mask when causal), weights = softmax of each row, output = weights·V. Softmax and the
 * mask come from {@link attnscope.attention}, the reference the real model is checked with.
 */
public final class MatrixAttention {

    /**
     * @param example the inputs
     * @param scale   1 or 1/√d_k
     * @param causal  whether the causal mask was added
     * @param dots    (T, T) q_i·k_j
     * @param scores  (T, T) dots·scale, −∞ above the diagonal when causal
     * @param weights (T, T) rows sum to 1
     * @param output  (T, d_v) weights·V
     */
    public record Result(MatrixExample example, double scale, boolean causal, double[][] dots, double[][] scores,
            double[][] weights, double[][] output) {
        public boolean scaled() {
            return scale != 1.0;
        }
    }

    private MatrixAttention() {
    }

    public static Result compute(MatrixExample ex, boolean scaled, boolean causal) {
        int t = ex.length();
        int d = ex.dk();
        double scale = scaled ? 1.0 / Math.sqrt(d) : 1.0;
        float[] mask = causal ? Masks.causal(t) : new float[t * t];
        double[][] dots = new double[t][t];
        double[][] scores = new double[t][t];
        double[] flat = new double[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                dots[i][j] = QueryAttention.dot(ex.queries()[i], ex.keys()[j]);
                scores[i][j] = dots[i][j] * scale + mask[i * t + j];
                flat[i * t + j] = scores[i][j];
            }
        }
        double[] w = Normalization.softmaxRows(flat, t);
        double[][] weights = new double[t][];
        for (int i = 0; i < t; i++) {
            weights[i] = java.util.Arrays.copyOfRange(w, i * t, (i + 1) * t);
        }
        return new Result(ex, scale, causal, dots, scores, weights, multiply(weights, ex.values()));
    }

    /** (T, T)·(T, d_v) → (T, d_v). */
    static double[][] multiply(double[][] weights, double[][] values) {
        int t = weights.length;
        int dv = values[0].length;
        double[][] out = new double[t][dv];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < values.length; j++) {
                for (int c = 0; c < dv; c++) {
                    out[i][c] += weights[i][j] * values[j][c];
                }
            }
        }
        return out;
    }
}
