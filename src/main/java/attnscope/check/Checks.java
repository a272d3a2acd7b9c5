package attnscope.check;

import attnscope.attention.Rotary;
import attnscope.tensor.Shapes;
import attnscope.tensor.Tensor;
import java.util.Arrays;

/**
 * The verification checks, one method per check, each returning a {@link CheckResult} with the
 * measured value, the bound it is held to and one line for people. Per-head checks read head h of a
 * (heads, T, x) tensor in place, without copying.
 */
public final class Checks {
    private Checks() {
    }

    /** "shape.q" etc.: a captured tensor's shape against the one config.json implies. */
    public static CheckResult shape(int layer, String site, int[] expected, int[] actual) {
        boolean ok = Arrays.equals(expected, actual);
        return new CheckResult(layer, -1, "shape." + site, ok, ok ? 0 : 1, 0,
                site + ", layer " + layer + ": expected " + Shapes.format(expected) + " (from config.json) "
                        + (ok ? "and found it" : "but found " + Shapes.format(actual)));
    }

    /**
     * "causal": the largest weight above the diagonal of head h's pattern (T, T), i.e. a query's
     * weight on a later key. A causal model must give exactly 0 there (exp(−∞) = 0, not merely
     * small). A bidirectional model is not held to it: the value is reported, and the check passes
     * with a detail saying the model is not causal.
     */
    public static CheckResult causal(int layer, int head, Tensor pattern, boolean causalModel) {
        int t = pattern.dim(1);
        float[] p = pattern.data();
        int base = head * t * t;
        double worst = 0;
        int wi = -1;
        int wj = -1;
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                double w = Math.abs(p[base + i * t + j]);
                if (w > worst || Double.isNaN(w)) {
                    worst = Double.isNaN(w) ? Double.POSITIVE_INFINITY : w;
                    wi = i;
                    wj = j;
                }
            }
        }
        // A NaN counts as the worst possible weight, and is named as what it is.
        String largest = wi >= 0 && Double.isNaN(p[base + wi * t + wj]) ? "NaN" : String.valueOf(worst);
        if (!causalModel) {
            return new CheckResult(layer, head, "causal", true, worst, Double.POSITIVE_INFINITY,
                    () -> "not causal (bidirectional): every token may see later tokens; largest weight above the diagonal " + largest);
        }
        boolean ok = worst == 0;
        int query = wi;
        int key = wj;
        return new CheckResult(layer, head, "causal", ok, worst, 0,
                () -> ok ? "every weight above the diagonal is exactly 0: no token sees the future"
                        : "query " + query + " puts weight " + largest + " on the later key " + key + ": the mask lets a token see the future");
    }

    /** "rowsum": each query's weights sum to 1, |Σ_j w_ij − 1| ≤ limit for every row i. */
    public static CheckResult rowSums(int layer, int head, Tensor pattern, double limit) {
        int t = pattern.dim(1);
        int cols = pattern.dim(2);
        float[] p = pattern.data();
        double worst = 0;
        int worstRow = 0;
        double worstSum = 1;
        for (int i = 0; i < t; i++) {
            double sum = 0;
            int base = (head * t + i) * cols;
            for (int j = 0; j < cols; j++) {
                sum += p[base + j];
            }
            double err = Math.abs(sum - 1);
            if (!(err <= worst)) {
                worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                worstRow = i;
                worstSum = sum;
            }
        }
        boolean ok = worst <= limit;
        double error = worst;
        int row = worstRow;
        double sumThere = worstSum;
        return new CheckResult(layer, head, "rowsum", ok, worst, limit,
                () -> ok ? "every row sums to 1 within " + limit
                        : !Double.isFinite(sumThere) ? "row " + row + " sums to " + sumThere + ": a weight in it is NaN or infinite"
                        : "row " + row + " sums to 1 ± " + error + ", more than " + limit);
    }

    /**
     * "pattern.ref", "z.ref", ...: head h of the model's tensor against the reference's, two-sided
     * |model − reference| ≤ atol + rtol·|reference| for every element.
     */
    public static CheckResult agreement(String check, int layer, int head, Tensor model, Tensor reference, Tolerance tol) {
        int per = model.size() / model.dim(0);
        Comparison c = Comparison.of(model.data(), head * per, reference.data(), head * per, per, tol);
        int cols = model.dim(2);
        String nonFinite = c.nonFinite("the model's", "the reference's", tensorOf(check));
        return new CheckResult(layer, head, check, c.passed(), c.maxError(), c.worstLimit(), () -> c.passed()
                ? "model and reference agree: largest |a − b| " + c.maxError() + " (" + tol + ")"
                // A NaN or ∞ has no meaningful |a − b|: say where it is instead.
                : nonFinite != null ? nonFinite + " at (layer " + layer + ", head " + head + ", row " + c.nonFiniteAt() / cols
                        + ", col " + c.nonFiniteAt() % cols + "); " + c.failures() + " of " + per + " values are not within " + tol
                : c.failures() + " of " + per + " values differ; worst at (" + c.worstAt() / cols + ", " + c.worstAt() % cols
                        + "): |a − b| = " + c.worstDiff() + " > " + c.worstLimit() + " (" + tol + ")");
    }

    /**
     * "rotary.q" / "rotary.k" for head g of (G, T, d) tensors: the graph's rotated tensor against the
     * tool's own rotation of the graph's tensor before rotary, |a − b| ≤ atol + rtol·|b| + |r|·δ(p, i).
     * Rotating the pair (x[i], x[i + d/2]) of norm |r| by an angle off by δ moves each of its two
     * values by at most |r|·δ; δ(p, i) is how far a float32 model's angle p·inv_freq[i] may be off
     * ({@code angleBound}, (T, d/2), see {@code Rotary.Angles#angleErrorBound}), which grows with the
     * position. A wrong θ moves the angles by p·|Δinv_freq|, far beyond it from position 1 on.
     *
     * @param before the graph's tensor before rotary (G, T, d)
     */
    public static CheckResult rotary(String check, int layer, int head, Tensor model, Tensor reference, Tensor before,
            double[] angleBound, Tolerance tol) {
        int t = model.dim(1);
        int d = model.dim(2);
        int half = d / 2;
        int per = t * d;
        float[] x = before.data();
        double[] extra = new double[per];
        for (int p = 0; p < t; p++) {
            for (int i = 0; i < half; i++) {
                int at = head * per + p * d + i;
                double allowance = Math.hypot(x[at], x[at + half]) * angleBound[p * half + i];
                extra[p * d + i] = allowance;
                extra[p * d + i + half] = allowance;
            }
        }
        Comparison c = Comparison.of(model.data(), head * per, reference.data(), head * per, per, tol, extra);
        String nonFinite = c.nonFinite("the model's", "the reference's", tensorOf(check));
        String allowed = tol + " + |r|·" + Rotary.ANGLE_ULPS + " ulp(angle)";
        return new CheckResult(layer, head, check, c.passed(), c.maxError(), c.worstLimit(), () -> c.passed()
                ? "model and reference agree: largest |a − b| " + c.maxError() + " (" + allowed + ")"
                : nonFinite != null ? nonFinite + " at (layer " + layer + ", head " + head + ", position " + c.nonFiniteAt() / d
                        + ", dim " + c.nonFiniteAt() % d + "); " + c.failures() + " of " + per + " values are not within " + allowed
                : c.failures() + " of " + per + " values differ; worst at (position " + c.worstAt() / d + ", dim " + c.worstAt() % d
                        + "): |a − b| = " + c.worstDiff() + " > " + c.worstLimit() + " (" + allowed + ")");
    }

    /** The tensor a comparison check compares: "pattern" for pattern.ref, "rotated q" for rotary.q. */
    private static String tensorOf(String check) {
        return check.endsWith(".ref") ? check.substring(0, check.length() - 4)
                : check.startsWith("rotary.") ? "rotated " + check.substring(7) : check;
    }

    /**
     * Whether the mask visibly changes head h: the reference with the mask and the same recomputation
     * without it differ beyond the tolerance. On a short input, or for a head that already puts
     * (almost) no weight on later keys, they agree, and then no comparison can tell a masked model
     * from an unmasked one: the negative control has nothing to show there and is not run, as it is
     * not run for a single token.
     */
    public static boolean maskIsVisible(int head, Tensor masked, Tensor unmasked, Tolerance tol) {
        int per = masked.size() / masked.dim(0);
        return Comparison.anyOutside(masked.data(), head * per, unmasked.data(), head * per, per, tol);
    }

    /**
     * "negative-control": the same recomputation without the causal mask must DISAGREE with the
     * model. If it agreed, the comparison above could not tell a masked model from an unmasked one.
     * Passes when at least one value lies outside the tolerance; the value is the largest |a − b|.
     */
    public static CheckResult negativeControl(int layer, int head, String site, Tensor model, Tensor unmasked, Tolerance tol) {
        int per = model.size() / model.dim(0);
        int rows = model.dim(1);
        return negativeControl(layer, head, site, Comparison.of(model.data(), head * per, unmasked.data(), head * per, per, tol), rows, rows,
                model.dim(2));
    }

    /**
     * "negative-control" from a comparison already made (model against the unmasked recomputation,
     * under its tolerance) of the head's first {@code rowsCompared} query rows out of {@code rows}:
     * the comparison may stop at the first row that disagrees, as the verdict is known there, and
     * the value is then the largest |a − b| up to that row.
     */
    public static CheckResult negativeControl(int layer, int head, String site, Comparison c, int rowsCompared, int rows) {
        return negativeControl(layer, head, site, c, rowsCompared, rows, rows);
    }

    /** As above, for a tensor of {@code cols} columns per row (T for a pattern, d for z). */
    private static CheckResult negativeControl(int layer, int head, String site, Comparison c, int rowsCompared, int rows, int cols) {
        // A NaN or ∞ disagrees with everything, which proves nothing about the mask: the control fails.
        String nonFinite = c.nonFinite("the model's", "the unmasked recomputation's", site.replaceFirst("^the ", ""));
        if (nonFinite != null) {
            return new CheckResult(layer, head, "negative-control", false, c.maxError(), c.worstLimit(),
                    () -> nonFinite + " at (layer " + layer + ", head " + head + ", row " + c.nonFiniteAt() / cols + ", col "
                            + c.nonFiniteAt() % cols + "): the control cannot tell a masked model from an unmasked one");
        }
        boolean ok = !c.passed();
        String compared = rowsCompared >= rows ? "" : rowsCompared == 1 ? " in query row 0" : " in query rows 0–" + (rowsCompared - 1);
        return new CheckResult(layer, head, "negative-control", ok, c.maxError(), c.worstLimit(),
                () -> ok ? "recomputing " + site + " WITHOUT the mask disagrees with the model (largest |a − b| " + c.maxError()
                        + compared + "), so the agreement with the mask is not an accident"
                        : "recomputing " + site + " without the mask agrees with the model too: the comparison cannot see the mask");
    }

    /**
     * "scale": the factor the graph multiplies Q·Kᵀ by, read from its constants (a Div by √d, a Mul by
     * 1/√d, or Mul(√(1/√d)) on both Q and Kᵀ), against 1/√d: |scale·√d − 1| ≤ limit.
     */
    public static CheckResult scale(int layer, double graphScale, int headDim, double limit) {
        double error = Math.abs(graphScale * Math.sqrt(headDim) - 1);
        boolean ok = error <= limit;
        return new CheckResult(layer, -1, "scale", ok, error, limit, () -> "layer " + layer + ": the graph scales Q·Kᵀ by "
                + graphScale + (ok ? ", which is 1/√d for d = " : ", which is not 1/√d = " + (1 / Math.sqrt(headDim)) + " for d = ")
                + headDim);
    }

    /**
     * "pattern.copy": where a layer's pattern comes from a copy of its fused op placed beside it (the op
     * asked for its weights, or rewritten as ordinary ops), the copy's attention output against the op's,
     * which the model goes on with: the pattern shown belongs to the computation the model does.
     */
    public static CheckResult sameOpOutput(int layer, Tensor model, Tensor copy, Tolerance tol) {
        if (!Arrays.equals(model.shape(), copy.shape())) {
            return new CheckResult(layer, -1, "pattern.copy", false, Double.POSITIVE_INFINITY, 0, "layer " + layer
                    + ": the copy of the attention op that returns the pattern has output shape " + Shapes.format(copy.shape())
                    + " but the op's is " + Shapes.format(model.shape()));
        }
        Comparison c = Comparison.of(copy.data(), 0, model.data(), 0, model.size(), tol);
        String nonFinite = c.nonFinite("the copy's", "the op's", "output");
        return new CheckResult(layer, -1, "pattern.copy", c.passed(), c.maxError(), c.worstLimit(), () -> c.passed()
                ? "layer " + layer + ": the copy of the attention op that returns the pattern computes the op's output: largest |a − b| "
                        + c.maxError() + " (" + tol + ")"
                : nonFinite != null ? "layer " + layer + ": " + nonFinite + " at element " + c.nonFiniteAt()
                : "layer " + layer + ": the copy of the attention op that returns the pattern computes another output than the op: "
                        + c.failures() + " of " + model.size() + " values differ, worst |a − b| " + c.worstDiff() + " > " + c.worstLimit()
                        + " (" + tol + ")");
    }

    /** "logits" (or "output"): the hooked graph's first output against the untouched graph's. */
    public static CheckResult sameOutput(String check, Tensor hooked, Tensor plain, Tolerance tol) {
        if (!Arrays.equals(hooked.shape(), plain.shape())) {
            return new CheckResult(-1, -1, check, false, Double.POSITIVE_INFINITY, 0,
                    "the hooked graph's output has shape " + Shapes.format(hooked.shape()) + " but the untouched graph's "
                            + Shapes.format(plain.shape()));
        }
        Comparison c = Comparison.of(hooked.data(), 0, plain.data(), 0, plain.size(), tol);
        int cols = plain.rank() > 0 ? plain.dim(plain.rank() - 1) : 1;
        String nonFinite = c.nonFinite("the hooked graph's", "the untouched graph's", check);
        return new CheckResult(-1, -1, check, c.passed(), c.maxError(), c.worstLimit(),
                c.passed() ? "adding outputs changed nothing: largest |a − b| " + c.maxError() + " (" + tol + ")"
                        : nonFinite != null ? nonFinite + " at (token " + c.nonFiniteAt() / cols + ", column " + c.nonFiniteAt() % cols
                                + "): the model computes no usable " + check + " (" + c.failures() + " of " + plain.size()
                                + " values are not finite or differ)"
                        : c.failures() + " of " + plain.size() + " values differ between the hooked and the untouched graph"
                                + " (worst |a − b| " + c.worstDiff() + " > " + c.worstLimit() + ")");
    }
}
