package attnscope.check;

/**
 * The worst disagreement between two equal-length stretches of values under a {@link Tolerance}:
 * the element where |a − b| exceeds its allowance the most (or comes closest to it).
 *
 * @param maxError  the largest |a − b| found
 * @param worstAt   the index (relative to the stretch) where |a − b| / allowance is largest
 * @param worstDiff |a − b| there
 * @param worstLimit the allowance atol + rtol·|b| there
 * @param failures  how many elements are outside their allowance (NaN counts as outside)
 */
public record Comparison(double maxError, int worstAt, double worstDiff, double worstLimit, int failures) {

    public boolean passed() {
        return failures == 0;
    }

    /** Compares a[aOff .. aOff+n) (the model) with b[bOff .. bOff+n) (the expected values). */
    public static Comparison of(float[] a, int aOff, float[] b, int bOff, int n, Tolerance tol) {
        double maxError = 0;
        double worstRatio = -1;
        int worstAt = 0;
        double worstDiff = 0;
        double worstLimit = tol.atol();
        int failures = 0;
        for (int i = 0; i < n; i++) {
            double x = a[aOff + i];
            double y = b[bOff + i];
            double diff = Math.abs(x - y);
            double limit = tol.limitFor(y);
            if (Double.isNaN(diff)) {
                diff = Double.POSITIVE_INFINITY;
            }
            maxError = Math.max(maxError, diff);
            if (!(diff <= limit)) {
                failures++;
            }
            double ratio = diff / limit;
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worstAt = i;
                worstDiff = diff;
                worstLimit = limit;
            }
        }
        return new Comparison(maxError, worstAt, worstDiff, worstLimit, failures);
    }
}
