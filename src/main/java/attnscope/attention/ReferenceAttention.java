package attnscope.attention;

import attnscope.tensor.Shapes;
import attnscope.tensor.Tensor;

/**
 * The reference implementation of one layer's attention,
 * z_h = softmax(Q_h·K_{g(h)}ᵀ/√d + M)·V_{g(h)} with g(h) = h / (H/Hkv),
 * recomputed from the Q, K and V that a model produced, to be compared with the pattern and
 * per-head output the model itself computed.
 *
 * <p>Each query row goes through the formula's steps in turn: its scores against every key, the
 * mask, softmax, and the weighted sum of the values. The arithmetic is that of {@link Scores#dot}
 * (double, four partial sums), {@link Normalization#softmaxRows} and {@link WeightedSum#apply}, in
 * the same order, so the results are the same bits; only the loops are arranged for speed:
 *
 * <ul>
 *   <li>K and V keep their Hkv heads: query head h reads its shared head in place, and no repeated
 *       (H, T, d) K/V and no per-head copy of Q is built;</li>
 *   <li>each key/value head is widened to double once, K transposed to d rows of T, so that one
 *       query's scores are computed for all keys at once: dimension by dimension, a loop over the
 *       keys that the JIT turns into vector instructions. Every row is an array of its own: a loop
 *       over two stretches of one array is not vectorised (the JIT cannot rule out that they
 *       overlap);</li>
 *   <li>the scores of a row are computed once and serve both the masked pattern and, while asked
 *       for, the unmasked one of the negative control (see {@link UnmaskedRows}).</li>
 * </ul>
 */
public final class ReferenceAttention {
    /** What the reference produces for one layer: pattern (H, T, T) and per-head output z (H, T, d). */
    public record Result(Tensor pattern, Tensor z) {
    }

    /**
     * Receives, row by row, what the pattern would be with no mask at all,
     * softmax(Q·Kᵀ/√d): the negative control's input, from the scores already computed.
     */
    public interface UnmaskedRows {
        /**
         * Whether head h's next row is still wanted. Once the receiver has what it needs of a head
         * (the negative control is settled at its first row that disagrees, as a rule), the rest of
         * that head's rows are computed with the mask alone: a causal row then scores only the keys
         * it can see, about half of them, and no unmasked softmax is made. Asked before each row;
         * rows not wanted are not handed over.
         */
        default boolean wantsMore(int head) {
            return true;
        }

        /**
         * @param head    the query head
         * @param query   the query row, ascending within a head; heads ascending
         * @param weights (T) the unmasked weights of that row; valid only during the call
         * @param masked  the same row with the mask, as the reference's pattern holds it:
         *                masked[maskedOffset .. maskedOffset + T)
         */
        void row(int head, int query, float[] weights, float[] masked, int maskedOffset);
    }

    private ReferenceAttention() {
    }

    /**
     * @param q      queries after rotary (H, T, d)
     * @param k      keys after rotary (Hkv, T, d)
     * @param v      values (Hkv, T, d)
     * @param causal add the causal mask (−∞ above the diagonal) before softmax
     * @param keep   (T) false for padded key positions, or null when nothing is padded
     */
    public static Result compute(Tensor q, Tensor k, Tensor v, boolean causal, boolean[] keep) {
        return compute(q, k, v, causal, keep, null);
    }

    /**
     * As {@link #compute(Tensor, Tensor, Tensor, boolean, boolean[])}, also handing every row's
     * unmasked weights to {@code unmasked} (when not null).
     */
    public static Result compute(Tensor q, Tensor k, Tensor v, boolean causal, boolean[] keep, UnmaskedRows unmasked) {
        int heads = q.dim(0);
        int t = q.dim(1);
        int d = q.dim(2);
        int kvHeads = k.dim(0);
        Shapes.require("k", new int[] {kvHeads, t, d}, k.shape());
        Shapes.require("v", new int[] {kvHeads, t, d}, v.shape());
        if (keep != null && keep.length != t) {
            throw new IllegalArgumentException("Expected a padding mask of " + t + " positions but found " + keep.length);
        }
        int group = GroupedQuery.groupSize(heads, kvHeads);
        double scale = Scores.inverseSqrt(d);

        float[] pattern = new float[heads * t * t];
        float[] z = new float[heads * t * d];
        Rows rows = new Rows(t, d, causal, keep, scale, unmasked);
        for (int g = 0; g < kvHeads; g++) {
            rows.useKeysAndValues(k.data(), v.data(), g * t * d);
            for (int h = g * group; h < (g + 1) * group; h++) {
                for (int i = 0; i < t; i++) {
                    rows.query(h, i, q.data(), (h * t + i) * d, pattern, (h * t + i) * t, z, (h * t + i) * d);
                }
            }
        }
        return new Result(new Tensor(new int[] {heads, t, t}, pattern), new Tensor(new int[] {heads, t, d}, z));
    }

    /** One query row at a time, against one key/value head; holds the buffers all rows reuse. */
    private static final class Rows {
        /** The dot products' partial sums (see {@link Scores#dot}): dimension c goes to partial c mod 4. */
        private static final int PARTIALS = 4;

        private final int t;
        private final int d;
        private final boolean causal;
        private final boolean[] keep;
        private final double scale;
        private final UnmaskedRows unmasked;
        /** The key/value head in use, widened: keyColumns[c][j] = K[j][c] (d rows of T), valueRows[j] = V[j] (T rows of d). */
        private final double[][] keyColumns;
        private final double[][] valueRows;
        /** A row's dot products as partial sums, PARTIALS × (T). */
        private final double[][] partial;
        /** The row's scaled scores (T), its exponentials (T), its unmasked weights (T) and its output (d). */
        private final float[] scores;
        private final double[] e;
        private final float[] unmaskedWeights;
        private final double[] acc;
        /** The last row's largest visible score and sum of exponentials (see {@link #softmax}). */
        private double rowMax;
        private double rowSum;

        Rows(int t, int d, boolean causal, boolean[] keep, double scale, UnmaskedRows unmasked) {
            this.t = t;
            this.d = d;
            this.causal = causal;
            this.keep = keep;
            this.scale = scale;
            this.unmasked = unmasked;
            this.keyColumns = new double[d][t];
            this.valueRows = new double[t][d];
            this.partial = new double[PARTIALS][t];
            this.scores = new float[t];
            this.e = new double[t];
            this.unmaskedWeights = unmasked == null ? null : new float[t];
            this.acc = new double[d];
        }

        /** Loads key/value head (T, d) starting at {@code off} in k and v. */
        void useKeysAndValues(float[] k, float[] v, int off) {
            for (int j = 0; j < t; j++) {
                double[] valueRow = valueRows[j];
                for (int c = 0; c < d; c++) {
                    keyColumns[c][j] = k[off + j * d + c];
                    valueRow[c] = v[off + j * d + c];
                }
            }
        }

        /**
         * Query i of head h, its (d) values at q[qOff]: writes its pattern row (T) at pattern[pOff]
         * and its output (d) at z[zOff]. Each step is a method of its own: small methods called
         * once per row are compiled by the JIT early and whole, where one large method with
         * many loops waits for several partial (on-stack) compilations first.
         */
        void query(int h, int i, float[] q, int qOff, float[] pattern, int pOff, float[] z, int zOff) {
            // Keys a causal row cannot see need no score, unless the negative control wants them.
            boolean wantUnmasked = unmasked != null && unmasked.wantsMore(h);
            int n = causal && keep == null && !wantUnmasked ? i + 1 : t;
            scores(q, qOff, n);
            // Without padding the visible keys are 0..visibleEnd−1.
            int visibleEnd = causal ? i + 1 : t;
            softmax(i, visibleEnd, pattern, pOff);
            weightedSum(visibleEnd, pattern, pOff, z, zOff);
            if (wantUnmasked) {
                unmaskedRow(h, i, rowMax, rowSum, pattern, pOff);
            }
        }

        /**
         * scores[0..n) = (q_i · k_j) / √d for keys j &lt; n. As in Scores.dot, partial sum c mod 4
         * gets q_ic·k_jc for c in ascending order, and the dimensions after the last whole block of
         * four go to the first partial, so each partial holds the same sum.
         */
        private void scores(float[] q, int qOff, int n) {
            for (double[] p : partial) {
                java.util.Arrays.fill(p, 0, n, 0);
            }
            int blocked = d - d % PARTIALS;
            for (int c = 0; c < d; c++) {
                axpy(partial[c < blocked ? c % PARTIALS : 0], q[qOff + c], keyColumns[c], n);
            }
            double[] s0 = partial[0];
            double[] s1 = partial[1];
            double[] s2 = partial[2];
            double[] s3 = partial[3];
            for (int j = 0; j < n; j++) {
                scores[j] = (float) (((s0[j] + s1[j]) + (s2[j] + s3[j])) * scale);
            }
        }

        /**
         * + mask, softmax of row i into pattern[pOff .. pOff + T), leaving the row's largest visible
         * score in rowMax and the sum of its exponentials in rowSum. Masked keys (−∞) get exp(−∞) =
         * 0, so they are skipped, and the sum over the visible keys in key order is the one over all
         * keys.
         */
        private void softmax(int i, int visibleEnd, float[] pattern, int pOff) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < visibleEnd; j++) {
                if (keep == null || keep[j]) {
                    max = Math.max(max, scores[j]);
                }
            }
            if (max == Double.NEGATIVE_INFINITY) {
                throw new Normalization.FullyMaskedRowException(i);
            }
            double sum = 0;
            for (int j = 0; j < visibleEnd; j++) {
                if (keep == null || keep[j]) {
                    e[j] = Math.exp(scores[j] - max);
                    sum += e[j];
                } else {
                    e[j] = 0;
                }
            }
            for (int j = 0; j < visibleEnd; j++) {
                pattern[pOff + j] = (float) (e[j] / sum);
            }
            java.util.Arrays.fill(pattern, pOff + visibleEnd, pOff + t, 0f);
            rowMax = max;
            rowSum = sum;
        }

        /** z_i = Σ_j w_ij · v_j into z[zOff .. zOff + d), keys in order; a weight of 0 adds nothing. */
        private void weightedSum(int visibleEnd, float[] pattern, int pOff, float[] z, int zOff) {
            java.util.Arrays.fill(acc, 0);
            for (int j = 0; j < visibleEnd; j++) {
                double w = pattern[pOff + j];
                if (w != 0) {
                    axpy(acc, w, valueRows[j], d);
                }
            }
            for (int x = 0; x < d; x++) {
                z[zOff + x] = (float) acc[x];
            }
        }

        /** y[0..n) += a·x[0..n): whole arrays from index 0, the loop the JIT vectorises. */
        private static void axpy(double[] y, double a, double[] x, int n) {
            for (int j = 0; j < n; j++) {
                y[j] += a * x[j];
            }
        }

        /**
         * softmax of the whole score row, no mask. Where nothing but the causal mask hides keys and
         * the row's largest score is among the visible ones, the visible keys' exponentials and their
         * running sum are already the ones needed: the same numbers, so they are reused.
         */
        private void unmaskedRow(int h, int i, double maskedMax, double maskedSum, float[] pattern, int pOff) {
            boolean onlyCausal = causal && keep == null;
            // Without padding the masked max already covers keys 0..i; max is order-free, so the
            // rest of the row is added to it.
            double max = onlyCausal ? maskedMax : Double.NEGATIVE_INFINITY;
            for (int j = onlyCausal ? i + 1 : 0; j < t; j++) {
                max = Math.max(max, scores[j]);
            }
            int from = 0;
            double sum = 0;
            if (onlyCausal && max == maskedMax) {
                from = i + 1;
                sum = maskedSum;
            }
            for (int j = from; j < t; j++) {
                e[j] = Math.exp(scores[j] - max);
                sum += e[j];
            }
            for (int j = 0; j < t; j++) {
                unmaskedWeights[j] = (float) (e[j] / sum);
            }
            unmasked.row(h, i, unmaskedWeights, pattern, pOff);
        }
    }
}
