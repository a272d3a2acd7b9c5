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
                scores[i * tk + j] = (float) (dot(q, i * d, k, j * d, d) * scale);
            }
        }
        return scores;
    }

    /**
     * a[aOff..aOff+d) · b[bOff..bOff+d), accumulated in double: the reference should be at least as
     * exact as the model. Four partial sums instead of one: each addition then waits for the one
     * four terms back, not the one before, so the processor overlaps them (about 3× faster; the sum
     * differs from the one-by-one order only by double rounding, far below float precision).
     */
    static double dot(float[] a, int aOff, float[] b, int bOff, int d) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int c = 0;
        for (; c + 3 < d; c += 4) {
            s0 += (double) a[aOff + c] * b[bOff + c];
            s1 += (double) a[aOff + c + 1] * b[bOff + c + 1];
            s2 += (double) a[aOff + c + 2] * b[bOff + c + 2];
            s3 += (double) a[aOff + c + 3] * b[bOff + c + 3];
        }
        for (; c < d; c++) {
            s0 += (double) a[aOff + c] * b[bOff + c];
        }
        return (s0 + s1) + (s2 + s3);
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
