package attnscope.attention;

/** Attention scores: every query against every key by dot product, optionally scaled by 1/√d_k. */
public final class Scores {
    private Scores() {
    }

    /**
     * scores[i][j] = q_i · k_j · scale.
     *
     * @param q     queries (Tq, d), row-major
     * @param k     keys (Tk, d), row-major
     * @param d     head dimension (length of each row)
     * @param scale 1/√d for scaled dot-product attention, 1 for the plain dot product
     * @return scores (Tq, Tk), row-major
     */
    public static float[] dotProduct(float[] q, float[] k, int d, double scale) {
        requireRows("queries", q, d);
        requireRows("keys", k, d);
        int tq = q.length / d;
        int tk = k.length / d;
        float[] scores = new float[tq * tk];
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                // Accumulate in double: the reference should be at least as exact as the model.
                double dot = 0;
                for (int c = 0; c < d; c++) {
                    dot += (double) q[i * d + c] * k[j * d + c];
                }
                scores[i * tk + j] = (float) (dot * scale);
            }
        }
        return scores;
    }

    /** The scale of scaled dot-product attention, 1/√d_k: keeps score variance near 1 as d grows. */
    public static double inverseSqrt(int d) {
        return 1.0 / Math.sqrt(d);
    }

    static void requireRows(String what, float[] m, int d) {
        if (d <= 0) {
            throw new IllegalArgumentException("Head dimension must be positive but found " + d);
        }
        if (m.length % d != 0) {
            throw new IllegalArgumentException("Expected " + what + " to be rows of length d=" + d
                    + " but found " + m.length + " values");
        }
    }
}
