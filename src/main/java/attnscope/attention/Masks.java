package attnscope.attention;

/**
 * Masks are added to the scores before softmax: 0 where a query may look, −∞ where it may
 * not. exp(−∞) = 0, so a masked key gets exactly zero weight, not merely a small one.
 */
public final class Masks {
    private Masks() {
    }

    /**
     * The causal mask for a forward pass without a cache: query position i sees key positions
     * j ≤ i, never the future.
     *
     * @return (T, T): 0 on and below the diagonal, −∞ above it
     */
    public static float[] causal(int t) {
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return mask;
    }

    /**
     * The padding mask: keys at padded positions are hidden from every query.
     *
     * @param keep (T) true where the token is real (attention_mask = 1)
     * @return (T, T): −∞ in the columns of padded keys
     */
    public static float[] padding(boolean[] keep) {
        int t = keep.length;
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                if (!keep[j]) {
                    mask[i * t + j] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return mask;
    }

    /** Adds a mask to scores in place; both (T, T). Returns the scores for chaining. */
    public static float[] apply(float[] scores, float[] mask) {
        if (scores.length != mask.length) {
            throw new IllegalArgumentException("Expected a mask of " + scores.length + " values but found " + mask.length);
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] += mask[i];
        }
        return scores;
    }

    /** Combines two masks (either hides ⇒ hidden). */
    public static float[] combine(float[] a, float[] b) {
        float[] out = a.clone();
        return apply(out, b);
    }
}
