package attnscope.toy;

import attnscope.attention.Normalization;
import attnscope.attention.Normalization.SumNormalizationUndefinedException;

/**
 * The handout's computation for one query, every intermediate number kept:
 * score_j = q·k_j (÷√d when scaled), weight_j = normalise(score)_j, output = Σ_j weight_j·v_j.
 * The normalisation calls {@link attnscope.attention.Normalization}, the same code the real
 * model is checked with.
 */
public final class QueryAttention {

    /**
     * The weights one normalisation gives, or why it gives none.
     *
     * @param kind            sum or softmax
     * @param weights         (T), summing to 1; null when undefined
     * @param weighted        (T, d_v) weight_j·v_j; null when undefined
     * @param output          (d_v) Σ_j weight_j·v_j; null when undefined
     * @param exps            (T) softmax only: e^(score_j − shift), the numerators
     * @param shift           softmax only: what was subtracted from every score before exp (0 or the max)
     * @param undefinedReason why sum-normalisation has no answer here, or null
     */
    public record Normalized(Normalize kind, double[] weights, double[][] weighted, double[] output,
            double[] exps, double shift, String undefinedReason) {
        public boolean defined() {
            return weights != null;
        }

        /** Σ weights, 1 up to rounding. */
        public double weightSum() {
            double s = 0;
            for (double w : weights) {
                s += w;
            }
            return s;
        }
    }

    /**
     * @param example the inputs
     * @param scale   1, or 1/√d when scaled
     * @param dots    (T) q·k_j before scaling
     * @param scores  (T) dots·scale
     * @param sum     sum-normalised weights (or why not)
     * @param softmax softmax weights
     */
    public record Result(HandoutExample example, double scale, double[] dots, double[] scores, Normalized sum, Normalized softmax) {
        public boolean scaled() {
            return scale != 1.0;
        }

        public double scoreSum() {
            double s = 0;
            for (double x : scores) {
                s += x;
            }
            return s;
        }

        public Normalized get(Normalize kind) {
            return kind == Normalize.SUM ? sum : softmax;
        }
    }

    /** Above this largest score, e^score is printed shifted (e^(s − max)) to stay readable and finite. */
    static final double LARGEST_PRINTED_EXPONENT = 30;

    private QueryAttention() {
    }

    public static Result compute(HandoutExample ex, boolean scaled) {
        int t = ex.length();
        int d = ex.query().length;
        double scale = scaled ? 1.0 / Math.sqrt(d) : 1.0;
        double[] dots = new double[t];
        double[] scores = new double[t];
        for (int j = 0; j < t; j++) {
            dots[j] = dot(ex.query(), ex.keys()[j]);
            scores[j] = dots[j] * scale;
        }
        return new Result(ex, scale, dots, scores, sumNormalized(ex, scores), softmax(ex, scores));
    }

    /** Only the weights, for the search: (T). Null when sum-normalisation is undefined. */
    static double[] weights(double[][] keys, double[] q, double scale, Normalize kind) {
        double[] scores = new double[keys.length];
        for (int j = 0; j < keys.length; j++) {
            scores[j] = dot(q, keys[j]) * scale;
        }
        if (kind == Normalize.SOFTMAX) {
            return Normalization.softmaxRows(scores, scores.length);
        }
        try {
            return Normalization.sumNormalizeRows(scores, scores.length);
        } catch (SumNormalizationUndefinedException e) {
            return null;
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            s += a[c] * b[c];
        }
        return s;
    }

    private static Normalized sumNormalized(HandoutExample ex, double[] scores) {
        double[] w;
        try {
            w = Normalization.sumNormalizeRows(scores, scores.length);
        } catch (SumNormalizationUndefinedException e) {
            return new Normalized(Normalize.SUM, null, null, null, null, 0, whySumIsUndefined(ex, scores));
        }
        return weighted(Normalize.SUM, ex, w, null, 0);
    }

    /** The reason in the handout's terms (one query: no "row"), naming the offending token. */
    static String whySumIsUndefined(HandoutExample ex, double[] scores) {
        double sum = 0;
        for (int j = 0; j < scores.length; j++) {
            if (scores[j] < 0) {
                return "sum-normalisation is meaningless here: the score of position " + j + " (\"" + ex.tokens().get(j) + "\") is "
                        + Fmt.num(scores[j]) + ", and dividing a negative score by the sum gives a negative weight, "
                        + "which is no share of attention";
            }
            sum += scores[j];
        }
        return "sum-normalisation is meaningless here: the scores sum to " + Fmt.num(sum) + ", and dividing by "
                + (sum == 0 ? "zero is undefined" : "a sum that is not positive gives no shares of attention");
    }

    private static Normalized softmax(HandoutExample ex, double[] scores) {
        double[] w = Normalization.softmaxRows(scores, scores.length);
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        // e^s is what the handout would write; beyond e^30 print e^(s − max) instead (same ratios).
        double shift = max > LARGEST_PRINTED_EXPONENT ? max : 0;
        double[] exps = new double[scores.length];
        for (int j = 0; j < scores.length; j++) {
            exps[j] = Math.exp(scores[j] - shift);
        }
        return weighted(Normalize.SOFTMAX, ex, w, exps, shift);
    }

    private static Normalized weighted(Normalize kind, HandoutExample ex, double[] w, double[] exps, double shift) {
        int t = ex.length();
        int dv = ex.values()[0].length;
        double[][] weighted = new double[t][dv];
        double[] out = new double[dv];
        for (int j = 0; j < t; j++) {
            for (int c = 0; c < dv; c++) {
                weighted[j][c] = w[j] * ex.values()[j][c];
                out[c] += weighted[j][c];
            }
        }
        return new Normalized(kind, w, weighted, out, exps, shift, null);
    }
}
