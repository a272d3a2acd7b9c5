package attnscope.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.tensor.Tensor;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Properties of the reference attention (STYLE.md, level 2), each over many random cases, and
 * the reference against an independent, deliberately naive implementation written here.
 * Comparisons are two-sided: |a − b| ≤ atol + rtol·|b|.
 */
class AttentionPropertiesTest {

    private static void close(double expected, double actual, double atol, double rtol, String what) {
        assertTrue(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected),
                what + ": expected " + expected + " but found " + actual);
    }

    private static float[] random(Random r, int n, double spread) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * spread);
        }
        return x;
    }

    @Property(tries = 200)
    void softmaxRowsSumToOne(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 40) int cols,
            @ForAll long seed) {
        float[] s = random(new Random(seed), rows * cols, 10);
        float[] w = Normalization.softmaxRows(s, cols);
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                assertTrue(w[r * cols + c] >= 0);
                sum += w[r * cols + c];
            }
            close(1.0, sum, 1e-5, 0, "row " + r + " sum");
        }
    }

    @Property(tries = 200)
    void softmaxIsShiftInvariant(@ForAll @IntRange(min = 1, max = 20) int cols, @ForAll long seed,
            @ForAll @DoubleRange(min = -500, max = 500) double shift) {
        double[] s = new double[cols];
        Random r = new Random(seed);
        for (int c = 0; c < cols; c++) {
            s[c] = r.nextGaussian() * 5;
        }
        double[] shifted = s.clone();
        for (int c = 0; c < cols; c++) {
            shifted[c] += shift;
        }
        double[] a = Normalization.softmaxRows(s, cols);
        double[] b = Normalization.softmaxRows(shifted, cols);
        for (int c = 0; c < cols; c++) {
            close(a[c], b[c], 1e-12, 1e-9, "weight " + c);
        }
    }

    @Property(tries = 50)
    void causalPatternHasAnExactlyZeroUpperTriangle(@ForAll @IntRange(min = 1, max = 12) int t, @ForAll long seed) {
        Random r = new Random(seed);
        int heads = 4;
        int kvHeads = 2;
        int d = 8;
        Tensor q = new Tensor(new int[] {heads, t, d}, random(r, heads * t * d, 3));
        Tensor k = new Tensor(new int[] {kvHeads, t, d}, random(r, kvHeads * t * d, 3));
        Tensor v = new Tensor(new int[] {kvHeads, t, d}, random(r, kvHeads * t * d, 1));
        Tensor p = ReferenceAttention.compute(q, k, v, true, null).pattern();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                double sum = 0;
                for (int j = 0; j < t; j++) {
                    float w = p.get(h, i, j);
                    if (j > i) {
                        assertEquals(0.0f, w, "head " + h + " [" + i + ", " + j + "] above the diagonal");
                    }
                    sum += w;
                }
                close(1.0, sum, 1e-5, 0, "head " + h + " row " + i);
            }
        }
    }

    @Property(tries = 50)
    void groupedQueryEqualsMultiHeadWithRepeatedKv(@ForAll @IntRange(min = 1, max = 10) int t, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3) int kvHeads, @ForAll @IntRange(min = 1, max = 4) int group) {
        Random r = new Random(seed);
        int heads = kvHeads * group;
        int d = 4;
        Tensor q = new Tensor(new int[] {heads, t, d}, random(r, heads * t * d, 2));
        float[] k = random(r, kvHeads * t * d, 2);
        float[] v = random(r, kvHeads * t * d, 1);
        ReferenceAttention.Result gqa = ReferenceAttention.compute(q, new Tensor(new int[] {kvHeads, t, d}, k),
                new Tensor(new int[] {kvHeads, t, d}, v), true, null);
        ReferenceAttention.Result mha = ReferenceAttention.compute(q,
                new Tensor(new int[] {heads, t, d}, GroupedQuery.repeatKv(k, kvHeads, heads)),
                new Tensor(new int[] {heads, t, d}, GroupedQuery.repeatKv(v, kvHeads, heads)), true, null);
        assertArrayEquals(mha.pattern().data(), gqa.pattern().data());
        assertArrayEquals(mha.z().data(), gqa.z().data());
    }

    @Test
    void groupedQueryMapsQwenHeads() {
        // Qwen2.5-0.5B: 14 query heads, 2 key/value heads, 7 per group.
        assertEquals(7, GroupedQuery.groupSize(14, 2));
        assertEquals(0, GroupedQuery.kvHeadFor(6, 14, 2));
        assertEquals(1, GroupedQuery.kvHeadFor(7, 14, 2));
        assertThrows(IllegalArgumentException.class, () -> GroupedQuery.groupSize(14, 3));
    }

    @Property(tries = 100)
    void rotaryKeepsNorms(@ForAll @IntRange(min = 0, max = 4096) int position, @ForAll long seed) {
        Rotary rope = new Rotary(64, 1_000_000.0);
        float[] x = random(new Random(seed), 64, 1);
        float[] y = rope.apply(x, new int[] {position});
        close(norm(x), norm(y), 1e-5, 1e-5, "norm at position " + position);
    }

    @Property(tries = 100)
    void rotaryDotProductDependsOnlyOnPositionDifference(@ForAll @IntRange(min = 0, max = 200) int m,
            @ForAll @IntRange(min = 0, max = 200) int n, @ForAll @IntRange(min = 0, max = 200) int shift, @ForAll long seed) {
        Rotary rope = new Rotary(16, 10_000.0);
        Random r = new Random(seed);
        float[] q = random(r, 16, 1);
        float[] k = random(r, 16, 1);
        double a = dot(rope.apply(q, new int[] {m}), rope.apply(k, new int[] {n}));
        double b = dot(rope.apply(q, new int[] {m + shift}), rope.apply(k, new int[] {n + shift}));
        // float32 angles (as in the model) make this hold to float precision, not exactly.
        close(a, b, 2e-3, 1e-3, "q·k at (" + m + ", " + n + ") vs shifted by " + shift);
    }

    @Test
    void rotaryAtPositionZeroIsTheIdentity() {
        float[] x = random(new Random(1), 64, 1);
        assertArrayEquals(x, new Rotary(64, 1_000_000.0).apply(x, new int[] {0}));
    }

    @Test
    void sumNormalisationRefusesNegativeAndZeroSumRows() {
        assertThrows(Normalization.SumNormalizationUndefinedException.class,
                () -> Normalization.sumNormalizeRows(new double[] {1, -1, 2}, 3));
        assertThrows(Normalization.SumNormalizationUndefinedException.class,
                () -> Normalization.sumNormalizeRows(new double[] {0, 0, 0}, 3));
        double[] w = Normalization.sumNormalizeRows(new double[] {2, 9, 9, 4}, 4);
        assertArrayEquals(new double[] {2 / 24.0, 9 / 24.0, 9 / 24.0, 4 / 24.0}, w);
    }

    @Test
    void fullyMaskedRowIsRefused() {
        float ninf = Float.NEGATIVE_INFINITY;
        Normalization.FullyMaskedRowException e = assertThrows(Normalization.FullyMaskedRowException.class,
                () -> Normalization.softmaxRows(new float[] {0, 1, ninf, ninf}, 2));
        assertEquals(1, e.row());
        assertThrows(Normalization.FullyMaskedRowException.class,
                () -> Normalization.softmaxRows(new double[] {Double.NEGATIVE_INFINITY}, 1));
    }

    @Property(tries = 30)
    void referenceAgreesWithANaiveImplementation(@ForAll @IntRange(min = 1, max = 9) int t, @ForAll long seed) {
        Random r = new Random(seed);
        int heads = 6;
        int kvHeads = 2;
        int d = 16;
        float[] q = random(r, heads * t * d, 2);
        float[] k = random(r, kvHeads * t * d, 2);
        float[] v = random(r, kvHeads * t * d, 1);
        ReferenceAttention.Result ref = ReferenceAttention.compute(new Tensor(new int[] {heads, t, d}, q),
                new Tensor(new int[] {kvHeads, t, d}, k), new Tensor(new int[] {kvHeads, t, d}, v), true, null);
        // Naive: for each head, query, key: dot / √d, skip the future, exp / Σ exp, weighted sum.
        for (int h = 0; h < heads; h++) {
            int g = h / (heads / kvHeads);
            for (int i = 0; i < t; i++) {
                double[] e = new double[t];
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += q[(h * t + i) * d + c] * k[(g * t + j) * d + c];
                    }
                    e[j] = Math.exp(s / Math.sqrt(d));
                    sum += e[j];
                }
                for (int c = 0; c < d; c++) {
                    double z = 0;
                    for (int j = 0; j <= i; j++) {
                        z += e[j] / sum * v[(g * t + j) * d + c];
                    }
                    close(z, ref.z().get(h, i, c), 1e-5, 1e-4, "z[" + h + ", " + i + ", " + c + "]");
                }
                for (int j = 0; j <= i; j++) {
                    close(e[j] / sum, ref.pattern().get(h, i, j), 1e-6, 1e-4, "pattern[" + h + ", " + i + ", " + j + "]");
                }
            }
        }
    }

    private static double norm(float[] x) {
        return Math.sqrt(dot(x, x));
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
