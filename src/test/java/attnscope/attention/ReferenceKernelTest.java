package attnscope.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import attnscope.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link ReferenceAttention} arranges its loops for speed but must compute the very same numbers as
 * the formula's named steps one after the other ({@link Scores#dotProduct}, {@link Masks},
 * {@link Normalization#softmaxRows}, {@link WeightedSum#apply} on per-head copies): bit for bit,
 * masked, padded, unmasked, and for head dimensions that are not a multiple of 4.
 */
class ReferenceKernelTest {

    private static float[] random(Random r, int n, double spread) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * spread);
        }
        return x;
    }

    /** The reference as the steps of the formula, per head on copies: what ReferenceAttention must equal. */
    static ReferenceAttention.Result stepByStep(Tensor q, Tensor k, Tensor v, boolean causal, boolean[] keep) {
        int heads = q.dim(0);
        int t = q.dim(1);
        int d = q.dim(2);
        int group = heads / k.dim(0);
        float[] mask = causal ? Masks.causal(t) : new float[t * t];
        if (keep != null) {
            mask = Masks.combine(mask, Masks.padding(keep));
        }
        float[] pattern = new float[heads * t * t];
        float[] z = new float[heads * t * d];
        for (int h = 0; h < heads; h++) {
            int g = h / group;
            float[] qh = Arrays.copyOfRange(q.data(), h * t * d, (h + 1) * t * d);
            float[] kg = Arrays.copyOfRange(k.data(), g * t * d, (g + 1) * t * d);
            float[] vg = Arrays.copyOfRange(v.data(), g * t * d, (g + 1) * t * d);
            float[] weights = Normalization.softmaxRows(Masks.apply(Scores.dotProduct(qh, kg, d, Scores.inverseSqrt(d)), mask), t);
            System.arraycopy(weights, 0, pattern, h * t * t, t * t);
            System.arraycopy(WeightedSum.apply(weights, vg, d), 0, z, h * t * d, t * d);
        }
        return new ReferenceAttention.Result(new Tensor(new int[] {heads, t, t}, pattern), new Tensor(new int[] {heads, t, d}, z));
    }

    @Property(tries = 60)
    void sameBitsAsTheStepByStepFormula(@ForAll @IntRange(min = 1, max = 40) int t, @ForAll @IntRange(min = 1, max = 3) int kvHeads,
            @ForAll @IntRange(min = 1, max = 3) int group, @ForAll @IntRange(min = 1, max = 19) int d, @ForAll boolean causal,
            @ForAll boolean padded, @ForAll long seed) {
        Random r = new Random(seed);
        int heads = kvHeads * group;
        Tensor q = new Tensor(new int[] {heads, t, d}, random(r, heads * t * d, 3));
        Tensor k = new Tensor(new int[] {kvHeads, t, d}, random(r, kvHeads * t * d, 3));
        Tensor v = new Tensor(new int[] {kvHeads, t, d}, random(r, kvHeads * t * d, 1));
        boolean[] keep = null;
        if (padded) {
            keep = new boolean[t];
            for (int j = 0; j < t; j++) {
                keep[j] = j == 0 || r.nextInt(4) > 0; // key 0 always kept, so that no row is masked entirely
            }
        }
        ReferenceAttention.Result expected = stepByStep(q, k, v, causal, keep);
        ReferenceAttention.Result actual = ReferenceAttention.compute(q, k, v, causal, keep);
        assertArrayEquals(expected.pattern().data(), actual.pattern().data());
        assertArrayEquals(expected.z().data(), actual.z().data());
    }

    /**
     * Q (4, T, d), K and V (2, T, d) of random values, and, when padded, a padding mask that drops the
     * last key (unless it is the only one): the input of the tests of the unmasked rows.
     */
    record Grouped(Tensor q, Tensor k, Tensor v, boolean[] keep) {
        static final int HEADS = 4;
        static final int KV_HEADS = 2;

        static Grouped of(int t, int d, boolean padded, Random r) {
            Tensor q = new Tensor(new int[] {HEADS, t, d}, random(r, HEADS * t * d, 4));
            Tensor k = new Tensor(new int[] {KV_HEADS, t, d}, random(r, KV_HEADS * t * d, 4));
            Tensor v = new Tensor(new int[] {KV_HEADS, t, d}, random(r, KV_HEADS * t * d, 1));
            boolean[] keep = null;
            if (padded) {
                keep = new boolean[t];
                Arrays.fill(keep, true);
                keep[t - 1] = t == 1;
            }
            return new Grouped(q, k, v, keep);
        }
    }

    @Property(tries = 60)
    void unmaskedRowsAreTheSoftmaxOfAllScores(@ForAll @IntRange(min = 1, max = 40) int t, @ForAll @IntRange(min = 1, max = 70) int d,
            @ForAll boolean padded, @ForAll long seed) {
        Grouped in = Grouped.of(t, d, padded, new Random(seed));
        int heads = Grouped.HEADS;
        Tensor q = in.q();
        Tensor k = in.k();
        Tensor v = in.v();
        boolean[] keep = in.keep();
        float[] unmasked = new float[heads * t * t];
        float[] maskedRows = new float[heads * t * t];
        int[] next = {0};
        ReferenceAttention.Result withRows = ReferenceAttention.compute(q, k, v, true, keep, (head, query, weights, masked, off) -> {
            assertEquals(next[0], head * t + query, "rows arrive in order, heads ascending");
            next[0]++;
            System.arraycopy(weights, 0, unmasked, (head * t + query) * t, t);
            System.arraycopy(masked, off, maskedRows, (head * t + query) * t, t);
        });
        assertEquals(heads * t, next[0]);
        assertArrayEquals(stepByStep(q, k, v, false, null).pattern().data(), unmasked);
        assertArrayEquals(withRows.pattern().data(), maskedRows, "each masked row is handed over complete");
        // Asking for the unmasked rows changes nothing in the masked result.
        assertArrayEquals(ReferenceAttention.compute(q, k, v, true, keep).pattern().data(), withRows.pattern().data());
        assertArrayEquals(ReferenceAttention.compute(q, k, v, true, keep).z().data(), withRows.z().data());
    }

    @Property(tries = 60)
    void rowsNoLongerWantedAreNotHandedOverAndChangeNothing(@ForAll @IntRange(min = 1, max = 40) int t,
            @ForAll @IntRange(min = 1, max = 70) int d, @ForAll boolean padded, @ForAll long seed) {
        Random r = new Random(seed);
        Grouped in = Grouped.of(t, d, padded, r);
        int heads = Grouped.HEADS;
        Tensor q = in.q();
        Tensor k = in.k();
        Tensor v = in.v();
        boolean[] keep = in.keep();
        // Head h wants its rows up to lastWanted[h] (−1: none, t − 1: all), as a receiver that is
        // settled after some row would.
        int[] lastWanted = new int[heads];
        for (int h = 0; h < heads; h++) {
            lastWanted[h] = r.nextInt(t + 1) - 1;
        }
        float[] expectedUnmasked = stepByStep(q, k, v, false, null).pattern().data();
        int[] handedOver = new int[heads];
        ReferenceAttention.Result stopping = ReferenceAttention.compute(q, k, v, true, keep, new ReferenceAttention.UnmaskedRows() {
            @Override
            public boolean wantsMore(int head) {
                return handedOver[head] <= lastWanted[head];
            }

            @Override
            public void row(int head, int query, float[] weights, float[] masked, int off) {
                assertEquals(handedOver[head], query, "a head's rows are handed over from row 0, in order");
                handedOver[head]++;
                assertArrayEquals(Arrays.copyOfRange(expectedUnmasked, (head * t + query) * t, (head * t + query + 1) * t), weights);
            }
        });
        for (int h = 0; h < heads; h++) {
            assertEquals(lastWanted[h] + 1, handedOver[h], "head " + h + ": exactly the rows it wanted");
        }
        // Rows computed with the mask alone are the same bits as rows that also served the control.
        ReferenceAttention.Result plain = ReferenceAttention.compute(q, k, v, true, keep);
        assertArrayEquals(plain.pattern().data(), stopping.pattern().data());
        assertArrayEquals(plain.z().data(), stopping.z().data());
    }

    @Test
    void aFullyMaskedRowIsRefusedAsBefore() {
        Tensor q = new Tensor(new int[] {1, 2, 2}, new float[] {1, 0, 0, 1});
        Tensor k = new Tensor(new int[] {1, 2, 2}, new float[] {1, 0, 0, 1});
        Tensor v = new Tensor(new int[] {1, 2, 2}, new float[] {1, 2, 3, 4});
        Normalization.FullyMaskedRowException e = assertThrows(Normalization.FullyMaskedRowException.class,
                () -> ReferenceAttention.compute(q, k, v, true, new boolean[] {false, true}));
        assertEquals(0, e.row());
    }

    @Property(tries = 50)
    void rotaryWithItsTableEqualsTheAngleOfEachElement(@ForAll @IntRange(min = 1, max = 30) int t, @ForAll @IntRange(min = 1, max = 5) int heads,
            @ForAll long seed) {
        int d = 64;
        double theta = 1_000_000.0;
        float[] x = random(new Random(seed), heads * t * d, 2);
        float[] expected = x.clone();
        int half = d / 2;
        for (int row = 0; row < heads * t; row++) {
            int p = row % t;
            for (int i = 0; i < half; i++) {
                float angle = p * (float) (1.0 / Math.pow(theta, (2.0 * i) / d));
                double a = x[row * d + i];
                double b = x[row * d + i + half];
                expected[row * d + i] = (float) (a * Math.cos(angle) - b * Math.sin(angle));
                expected[row * d + i + half] = (float) (b * Math.cos(angle) + a * Math.sin(angle));
            }
        }
        assertArrayEquals(expected, new Rotary(d, theta).apply(x, Rotary.positions(t)));
    }
}
