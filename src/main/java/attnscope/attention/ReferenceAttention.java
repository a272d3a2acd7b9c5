package attnscope.attention;

import attnscope.tensor.Shapes;
import attnscope.tensor.Tensor;

/**
 * The reference implementation of one layer's attention,
 * z_h = softmax(Q_h·K_{g(h)}ᵀ/√d + M)·V_{g(h)} with g(h) = h / (H/Hkv),
 * recomputed from the Q, K and V that a model produced, to be compared with the pattern and
 * per-head output the model itself computed.
 *
 * <p>K and V keep their Hkv heads: query head h indexes its shared head, as in the model; no
 * repeated (H, T, d) K/V is built. Each head works on (T, d) slices copied out of the tensors,
 * O(T·d) next to the O(T²·d) of the scores.
 */
public final class ReferenceAttention {
    /** What the reference produces for one layer: pattern (H, T, T) and per-head output z (H, T, d). */
    public record Result(Tensor pattern, Tensor z) {
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
        int heads = q.dim(0);
        int t = q.dim(1);
        int d = q.dim(2);
        int kvHeads = k.dim(0);
        Shapes.require("k", new int[] {kvHeads, t, d}, k.shape());
        Shapes.require("v", new int[] {kvHeads, t, d}, v.shape());
        int group = GroupedQuery.groupSize(heads, kvHeads);

        float[] mask = new float[t * t];
        if (causal) {
            mask = Masks.causal(t);
        }
        if (keep != null) {
            mask = Masks.combine(mask, Masks.padding(keep));
        }
        double scale = Scores.inverseSqrt(d);

        float[] pattern = new float[heads * t * t];
        float[] z = new float[heads * t * d];
        for (int h = 0; h < heads; h++) {
            int g = h / group;
            float[] qh = java.util.Arrays.copyOfRange(q.data(), h * t * d, (h + 1) * t * d); // (T, d)
            float[] kg = java.util.Arrays.copyOfRange(k.data(), g * t * d, (g + 1) * t * d); // (T, d)
            float[] vg = java.util.Arrays.copyOfRange(v.data(), g * t * d, (g + 1) * t * d); // (T, d)

            float[] scores = Scores.dotProduct(qh, kg, d, scale);   // (T, T) = Q·Kᵀ/√d
            Masks.apply(scores, mask);                               // + M
            float[] weights = Normalization.softmaxRows(scores, t);  // softmax, rows sum to 1
            float[] zh = WeightedSum.apply(weights, vg, d);          // (T, d) = weights·V

            System.arraycopy(weights, 0, pattern, h * t * t, t * t);
            System.arraycopy(zh, 0, z, h * t * d, t * d);
        }
        return new Result(new Tensor(new int[] {heads, t, t}, pattern), new Tensor(new int[] {heads, t, d}, z));
    }
}
