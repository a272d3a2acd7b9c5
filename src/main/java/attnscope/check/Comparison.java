package attnscope.check;

import java.util.stream.IntStream;

/**
 * The worst disagreement between two equal-length stretches of values under a {@link Tolerance}:
 * the element where |a − b| exceeds its allowance the most (or comes closest to it).
 *
 * @param maxError  the largest |a − b| found
 * @param worstAt   the index (relative to the stretch) where |a − b| / allowance is largest
 * @param worstDiff |a − b| there
 * @param worstLimit the allowance atol + rtol·|b| there
 * @param failures  how many elements are outside their allowance (NaN counts as outside)
 * @param nonFiniteAt the index (relative to the stretch) of the first element where either side is
 *                  NaN or infinite, or −1: there |a − b| says nothing (∞ − ∞ and NaN − NaN are NaN, and
 *                  the "worst" element may be a finite one), so messages name the value and its side
 * @param nonFiniteModel    a there (the model's value)
 * @param nonFiniteExpected b there (the expected value)
 */
public record Comparison(double maxError, int worstAt, double worstDiff, double worstLimit, int failures,
        int nonFiniteAt, double nonFiniteModel, double nonFiniteExpected) {

    /** A comparison in which every value was finite. */
    public Comparison(double maxError, int worstAt, double worstDiff, double worstLimit, int failures) {
        this(maxError, worstAt, worstDiff, worstLimit, failures, -1, 0, 0);
    }
    /** Stretches longer than this (the logits: T × vocabulary) are compared in parallel chunks of this size. */
    static final int PARALLEL_CHUNK = 1 << 18;

    public boolean passed() {
        return failures == 0;
    }

    /**
     * Where a NaN or ∞ was found, in words, or null when every value was finite: "NaN in the model's
     * pattern", "NaN in both the model's and the reference's pattern", "Infinity in the reference's z".
     *
     * @param model    the first side, possessive ("the model's")
     * @param expected the second side ("the reference's")
     * @param tensor   what was compared ("pattern")
     */
    public String nonFinite(String model, String expected, String tensor) {
        if (nonFiniteAt < 0) {
            return null;
        }
        boolean a = !Double.isFinite(nonFiniteModel);
        boolean b = !Double.isFinite(nonFiniteExpected);
        if (a && b) {
            String va = String.valueOf(nonFiniteModel);
            String vb = String.valueOf(nonFiniteExpected);
            return (va.equals(vb) ? va + " in both " : va + " and " + vb + " in ") + model + " and " + expected + " " + tensor;
        }
        return (a ? nonFiniteModel + " in " + model : nonFiniteExpected + " in " + expected) + " " + tensor;
    }

    /** Compares a[aOff .. aOff+n) (the model) with b[bOff .. bOff+n) (the expected values). */
    public static Comparison of(float[] a, int aOff, float[] b, int bOff, int n, Tolerance tol) {
        if (n <= PARALLEL_CHUNK) {
            return new Running(tol).add(a, aOff, b, bOff, n).result();
        }
        // Chunks in parallel, then merged in order: the same result as one pass, on every core.
        int chunks = (n + PARALLEL_CHUNK - 1) / PARALLEL_CHUNK;
        Running[] parts = IntStream.range(0, chunks).parallel().mapToObj(i -> {
            int from = i * PARALLEL_CHUNK;
            return new Running(tol).add(a, aOff + from, b, bOff + from, Math.min(PARALLEL_CHUNK, n - from));
        }).toArray(Running[]::new);
        Running all = parts[0];
        for (int i = 1; i < chunks; i++) {
            all.append(parts[i]);
        }
        return all.result();
    }

    /**
     * As {@link #of}, with an allowance of its own added to each element's: |a − b| ≤ atol + rtol·|b|
     * + extra[i]. For errors that depend on more than b (the rotary check's grow with the angle).
     */
    public static Comparison of(float[] a, int aOff, float[] b, int bOff, int n, Tolerance tol, double[] extra) {
        double maxError = 0;
        double worstRatio = -1;
        int worstAt = 0;
        double worstDiff = 0;
        double worstLimit = tol.atol();
        int failures = 0;
        int nonFiniteAt = -1;
        double nonFiniteA = 0;
        double nonFiniteB = 0;
        for (int i = 0; i < n; i++) {
            double x = a[aOff + i];
            double y = b[bOff + i];
            double diff = Math.abs(x - y);
            double limit = tol.limitFor(y) + extra[i];
            if (!(diff < Double.POSITIVE_INFINITY)) { // a NaN or ∞ on either side: outside any allowance, as in Running
                if (nonFiniteAt < 0) {
                    nonFiniteAt = i;
                    nonFiniteA = x;
                    nonFiniteB = y;
                }
                diff = Double.POSITIVE_INFINITY;
                limit = tol.atol();
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
        return new Comparison(maxError, worstAt, worstDiff, worstLimit, failures, nonFiniteAt, nonFiniteA, nonFiniteB);
    }

    /**
     * Whether some element of a[aOff .. aOff+n) lies outside its allowance around b[bOff .. bOff+n)
     * (NaN counts as outside): the same answer as {@code !of(...).passed()}, but it stops at the
     * first such element, for callers that need only that answer.
     */
    public static boolean anyOutside(float[] a, int aOff, float[] b, int bOff, int n, Tolerance tol) {
        for (int i = 0; i < n; i++) {
            double y = b[bOff + i];
            double diff = Math.abs(a[aOff + i] - y);
            if (!(diff < Double.POSITIVE_INFINITY)) { // a NaN or ∞ on either side: outside, as in Running
                return true;
            }
            if (!(diff <= tol.limitFor(y))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A comparison fed piece by piece, in order: the negative control compares rows as they are
     * computed instead of holding a whole unmasked pattern. The result equals {@link #of} over the
     * concatenated pieces.
     */
    public static final class Running {
        private final double atol;
        private final double rtol;
        private int seen;
        private double maxError;
        private double worstRatio = -1;
        private int worstAt;
        private double worstDiff;
        private double worstLimit;
        private int failures;
        private int nonFiniteAt = -1;
        private double nonFiniteModel;
        private double nonFiniteExpected;

        public Running(Tolerance tol) {
            this.atol = tol.atol();
            this.rtol = tol.rtol();
            this.worstLimit = tol.atol();
        }

        /** Adds a[aOff .. aOff+n) (the model) against b[bOff .. bOff+n) (the expected values). */
        public Running add(float[] a, int aOff, float[] b, int bOff, int n) {
            int i = 0;
            while (i < n) {
                int len = Math.min(BLOCK, n - i);
                if (!unchangedBy(a, aOff + i, b, bOff + i, len)) {
                    addEach(a, aOff + i, b, bOff + i, len);
                } else {
                    seen += len;
                }
                i += len;
            }
            return this;
        }

        /** Elements are looked at in blocks of this many: 16 KiB of each array, still in cache for a second pass. */
        private static final int BLOCK = 4096;

        /**
         * Whether a block would leave the result as it is: its values equal bit for bit and finite
         * (the hooked graph's logits against the untouched graph's, as a rule), once an element
         * has set the worst ratio to 0 or more. Each element then has |a − b| = 0 ≤ its allowance
         * and a ratio of 0 (or 0/0), which beats nothing. Both tests run at memory speed (the JIT
         * vectorises them), several times faster than looking at each element.
         */
        private boolean unchangedBy(float[] a, int aOff, float[] b, int bOff, int n) {
            if (!(worstRatio >= 0 && atol >= 0 && rtol >= 0)) {
                return false;
            }
            if (!java.util.Arrays.equals(a, aOff, aOff + n, b, bOff, bOff + n)) {
                return false;
            }
            float largest = 0;
            for (int i = 0; i < n; i++) {
                largest = Math.max(largest, Math.abs(b[bOff + i])); // NaN stays NaN
            }
            return largest <= Float.MAX_VALUE;
        }

        private void addEach(float[] a, int aOff, float[] b, int bOff, int n) {
            double maxErr = maxError;
            double worst = worstRatio;
            int fails = failures;
            for (int i = 0; i < n; i++) {
                double x = a[aOff + i];
                double y = b[bOff + i];
                double diff = Math.abs(x - y);
                double limit = atol + rtol * Math.abs(y);
                if (!(diff < Double.POSITIVE_INFINITY)) { // a NaN or ∞ on either side (two finite floats never differ by ∞)
                    if (nonFiniteAt < 0) {
                        nonFiniteAt = seen + i;
                        nonFiniteModel = x;
                        nonFiniteExpected = y;
                    }
                    // Infinitely far off, outside any allowance: an ∞ expected value would otherwise allow
                    // ∞ (rtol·∞) and let every model value pass.
                    diff = Double.POSITIVE_INFINITY;
                    limit = atol;
                }
                if (diff > maxErr) {
                    maxErr = diff;
                }
                if (!(diff <= limit)) {
                    fails++;
                }
                // The ratio diff / limit needs a division, which costs as much as the rest of the loop.
                // It can only beat the worst ratio so far when diff > worst·limit (less a margin for
                // rounding), so most elements skip it; the second test sends the cases where that
                // product says nothing (the start, worst = −1; 0·∞; NaN) the exact way.
                if (diff > worst * limit * (1 - 1e-9) || !(worst * limit >= 0)) {
                    double ratio = diff / limit;
                    if (ratio > worst) {
                        worst = ratio;
                        worstAt = seen + i;
                        worstDiff = diff;
                        worstLimit = limit;
                    }
                }
            }
            maxError = maxErr;
            worstRatio = worst;
            failures = fails;
            seen += n;
        }

        /** Appends a later stretch's comparison, as if its elements had been added here. */
        void append(Running later) {
            maxError = Math.max(maxError, later.maxError);
            failures += later.failures;
            if (nonFiniteAt < 0 && later.nonFiniteAt >= 0) {
                nonFiniteAt = seen + later.nonFiniteAt;
                nonFiniteModel = later.nonFiniteModel;
                nonFiniteExpected = later.nonFiniteExpected;
            }
            if (later.worstRatio > worstRatio) {
                worstRatio = later.worstRatio;
                worstAt = seen + later.worstAt;
                worstDiff = later.worstDiff;
                worstLimit = later.worstLimit;
            }
            seen += later.seen;
        }

        /** Whether every element added so far lies within its allowance. */
        public boolean passed() {
            return failures == 0;
        }

        public Comparison result() {
            return new Comparison(maxError, worstAt, worstDiff, worstLimit, failures, nonFiniteAt, nonFiniteModel, nonFiniteExpected);
        }
    }
}
