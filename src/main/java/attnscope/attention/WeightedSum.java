package attnscope.attention;

/** The last step of attention: each query's output is the weight-averaged value vectors. */
public final class WeightedSum {
    private WeightedSum() {
    }

    /**
     * z_i = Σ_j w_ij · v_j.
     *
     * @param weights (Tq, Tk), rows summing to 1
     * @param v       values (Tk, d)
     * @param d       value dimension
     * @return z (Tq, d)
     */
    public static float[] apply(float[] weights, float[] v, int d) {
        Scores.requireRows("values", v, d);
        int tk = v.length / d;
        Scores.requireRows("weights", weights, tk);
        int tq = weights.length / tk;
        float[] z = new float[tq * d];
        double[] acc = new double[d];
        for (int i = 0; i < tq; i++) {
            java.util.Arrays.fill(acc, 0);
            for (int j = 0; j < tk; j++) {
                double w = weights[i * tk + j];
                if (w == 0) {
                    continue; // masked keys contribute nothing; skipping halves causal work
                }
                for (int c = 0; c < d; c++) {
                    acc[c] += w * v[j * d + c];
                }
            }
            for (int c = 0; c < d; c++) {
                z[i * d + c] = (float) acc[c];
            }
        }
        return z;
    }
}
