package attnscope.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link Comparison} takes shortcuts (blocks equal bit for bit, a division only where the worst
 * ratio can change, parallel chunks for long stretches, rows fed one by one); each must give the
 * result of looking at every element in order.
 */
class ComparisonTest {

    /** The definition: every element in order, the first largest ratio wins. */
    static Comparison elementByElement(float[] a, int aOff, float[] b, int bOff, int n, Tolerance tol) {
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
            double limit = tol.limitFor(y);
            if (nonFiniteAt < 0 && !(Double.isFinite(x) && Double.isFinite(y))) {
                nonFiniteAt = i;
                nonFiniteA = x;
                nonFiniteB = y;
            }
            if (!Double.isFinite(x) || !Double.isFinite(y)) { // outside any allowance, even an infinite one
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

    /** Mostly equal values, some close, some far, a few NaN, ±∞ and zeros: every branch of the shortcuts. */
    static float[][] pair(Random r, int n) {
        float[] b = new float[n];
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            b[i] = (float) (r.nextGaussian() * 5);
            int kind = r.nextInt(1000);
            a[i] = kind < 900 ? b[i] : kind < 990 ? b[i] + (float) (r.nextGaussian() * 1e-5) : kind < 996 ? b[i] + 1 : Float.NaN;
            if (kind == 997) {
                a[i] = b[i] = Float.POSITIVE_INFINITY;
            } else if (kind == 998) {
                a[i] = b[i] = 0f;
            } else if (kind == 999) {
                b[i] = Float.NaN;
            }
        }
        return new float[][] {a, b};
    }

    @Property(tries = 200)
    void sameAsElementByElement(@ForAll @IntRange(min = 0, max = 20_000) int n, @ForAll @IntRange(min = 0, max = 3) int kind,
            @ForAll long seed) {
        Random r = new Random(seed);
        float[][] ab = pair(r, n + 7);
        if (kind == 1) {
            ab[0] = ab[1].clone(); // all equal (the logits)
        } else if (kind == 2) {
            for (int i = 0; i < ab[0].length; i++) { // equal and finite except a few far-off values late on
                ab[1][i] = Float.isFinite(ab[1][i]) ? ab[1][i] : 1f;
                ab[0][i] = i > n / 2 && r.nextInt(5000) == 0 ? ab[1][i] + 3 : ab[1][i];
            }
        }
        Tolerance[] tolerances = {Tolerance.PATTERN_FP32, Tolerance.LOGITS, new Tolerance(0, 1e-3), new Tolerance(1e-6, 0)};
        Tolerance tol = tolerances[kind];
        assertEquals(elementByElement(ab[0], 3, ab[1], 7, n, tol), Comparison.of(ab[0], 3, ab[1], 7, n, tol));
    }

    @Property(tries = 100)
    void rowsFedOneByOneGiveTheWholeComparison(@ForAll @IntRange(min = 1, max = 60) int rows, @ForAll @IntRange(min = 1, max = 60) int cols,
            @ForAll long seed) {
        float[][] ab = pair(new Random(seed), rows * cols);
        Comparison.Running running = new Comparison.Running(Tolerance.PATTERN_FP32);
        for (int i = 0; i < rows; i++) {
            running.add(ab[0], i * cols, ab[1], i * cols, cols);
        }
        assertEquals(elementByElement(ab[0], 0, ab[1], 0, rows * cols, Tolerance.PATTERN_FP32), running.result());
    }

    /** The early-stopping test answers as the whole comparison does, NaN and ±∞ included. */
    @Property(tries = 200)
    void anyOutsideIsTheWholeComparisonFailing(@ForAll @IntRange(min = 0, max = 3000) int n, @ForAll @IntRange(min = 0, max = 2) int kind,
            @ForAll long seed) {
        Random r = new Random(seed);
        float[][] ab = pair(r, n + 5);
        if (kind == 1) {
            ab[0] = ab[1].clone(); // equal everywhere, ∞ = ∞ and NaN = NaN included
        } else if (kind == 2) {
            for (int i = 0; i < ab[0].length; i++) { // within tolerance except, rarely, one value
                ab[1][i] = Float.isFinite(ab[1][i]) ? ab[1][i] : 2f;
                ab[0][i] = r.nextInt(4000) == 0 ? ab[1][i] + 1 : ab[1][i];
            }
        }
        for (Tolerance tol : new Tolerance[] {Tolerance.PATTERN_FP32, new Tolerance(0, 1e-3), new Tolerance(1e-6, 0)}) {
            assertEquals(!Comparison.of(ab[0], 5, ab[1], 0, n, tol).passed(), Comparison.anyOutside(ab[0], 5, ab[1], 0, n, tol));
        }
    }

    @Test
    void anyOutsideFindsOneValueOutside() {
        float[] model = {0.25f, 0.75f, 0f};
        float[] expected = {0.25f, 0.75f, 0f};
        assertEquals(false, Comparison.anyOutside(model, 0, expected, 0, 3, Tolerance.PATTERN_FP32));
        model[2] = 1e-3f; // a weight where the expected one is 0: the mask's effect
        assertEquals(true, Comparison.anyOutside(model, 0, expected, 0, 3, Tolerance.PATTERN_FP32));
        model[2] = Float.NaN;
        assertEquals(true, Comparison.anyOutside(model, 0, expected, 0, 3, Tolerance.PATTERN_FP32));
    }

    /** An ∞ expected value once allowed rtol·∞ = ∞ and so passed every model value (issue 17's NaN/∞ round). */
    @Test
    void anInfiniteExpectedValueAllowsNothing() {
        float[] model = {0.5f, 1f};
        float[] expected = {0.5f, Float.POSITIVE_INFINITY};
        Comparison c = Comparison.of(model, 0, expected, 0, 2, Tolerance.OUTPUT_FP32);
        assertEquals(1, c.failures());
        assertEquals(1, c.nonFiniteAt());
        assertEquals("Infinity in the reference's z", c.nonFinite("the model's", "the reference's", "z"));
        assertEquals(true, Comparison.anyOutside(model, 0, expected, 0, 2, Tolerance.OUTPUT_FP32));
    }

    @Test
    void longStretchesInParallelChunksGiveTheSerialResult() {
        Random r = new Random(5);
        int n = 3 * Comparison.PARALLEL_CHUNK + 12_345;
        float[][] ab = pair(r, n);
        assertEquals(elementByElement(ab[0], 0, ab[1], 0, n, Tolerance.LOGITS), Comparison.of(ab[0], 0, ab[1], 0, n, Tolerance.LOGITS));
        float[] same = ab[1].clone();
        for (int i = 0; i < n; i++) {
            same[i] = Float.isFinite(same[i]) ? same[i] : 0f;
        }
        float[] copy = same.clone();
        copy[n - 5] += 1; // one far-off value in the last chunk
        assertEquals(elementByElement(copy, 0, same, 0, n, Tolerance.LOGITS), Comparison.of(copy, 0, same, 0, n, Tolerance.LOGITS));
        assertEquals(elementByElement(same, 0, same, 0, n, Tolerance.LOGITS), Comparison.of(same, 0, same, 0, n, Tolerance.LOGITS));
    }

    @Test
    void emptyStretch() {
        assertEquals(new Comparison(0, 0, 0, Tolerance.LOGITS.atol(), 0), Comparison.of(new float[0], 0, new float[0], 0, 0, Tolerance.LOGITS));
    }
}
