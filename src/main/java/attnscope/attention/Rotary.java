package attnscope.attention;

/**
 * Rotary position embedding (RoPE) in the Hugging Face Qwen2 / Llama convention, the
 * non-interleaved "rotate_half" form.
 *
 * <p>For head dimension d and base θ: inv_freq[i] = θ^(−2i/d) for i &lt; d/2; the angle at
 * position p is p·inv_freq[i]; cos and sin are repeated twice to d dimensions;
 * rotate_half(x) = concat(−x[d/2:], x[:d/2]); x' = x·cos + rotate_half(x)·sin.
 * Equivalently, dimension pair (i, i + d/2) is rotated by the angle p·inv_freq[i]. Rotations
 * keep norms, and q'·k' depends only on the position difference: that is the point of RoPE.
 */
public final class Rotary {
    /** The float32 rounding a model's rotary angle may differ from ours by, in ulps: see {@link Angles#angleErrorBound}. */
    public static final int ANGLE_ULPS = 4;

    private final int d;
    private final double[] invFreq; // (d/2)

    public Rotary(int headDim, double theta) {
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("Rotary needs an even head dimension but found " + headDim);
        }
        if (!(theta > 1)) {
            throw new IllegalArgumentException("Rotary base theta must be > 1 but found " + theta);
        }
        this.d = headDim;
        this.invFreq = new double[headDim / 2];
        for (int i = 0; i < headDim / 2; i++) {
            // Hugging Face computes inv_freq in float32: mirror that so we round as the model does.
            invFreq[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
        }
    }

    public int headDim() {
        return d;
    }

    /**
     * cos and sin of every (position, pair) angle, (T, d/2) each, and the rotation by them: all
     * heads and all layers share them, and Math.cos/sin cost more than the rotation itself, so
     * they are computed once per input. Immutable, so layers checked in parallel may share one.
     */
    public static final class Angles {
        private final int d;
        private final int positions;
        private final double[] cos;
        private final double[] sin;
        private final double[] angle;

        private Angles(int d, int positions, double[] cos, double[] sin, double[] angle) {
            this.d = d;
            this.positions = positions;
            this.cos = cos;
            this.sin = sin;
            this.angle = angle;
        }

        /**
         * How far a float32 model's angle p·inv_freq[i] may lie from this one, (T, d/2) in radians:
         * {@value #ANGLE_ULPS} units in the last place of the float32 angle. The model computes the
         * angle in float32, as this class does, but not necessarily with the same float32 bits of
         * inv_freq (torch raises θ to a float32 power, this class rounds a double power: up to 1 ulp
         * apart, which moves the angle by up to p·inv_freq·2⁻²³ ≤ 2 ulp(angle)); the product is then
         * rounded (½ ulp), and a float32 cos/sin reduces its argument with an error of about 1 ulp.
         * So the error grows with the angle: at position 1611 and inv_freq 1 an ulp is 1.2e-4 rad,
         * where a fixed tolerance of ~1e-5 fails correct models.
         */
        public double[] angleErrorBound() {
            double[] bound = new double[angle.length];
            for (int k = 0; k < angle.length; k++) {
                bound[k] = ANGLE_ULPS * Math.ulp((float) angle[k]);
            }
            return bound;
        }

        /**
         * Rotates rows of x in place.
         *
         * @param x (rows, d): one head's vectors, or (heads·T, d); row r uses the angles of position r % T
         */
        public float[] rotateInPlace(float[] x) {
            Scores.requireRows("rotary input", x, d);
            int rows = x.length / d;
            int half = d / 2;
            for (int r = 0; r < rows; r++) {
                int at = (r % positions) * half;
                int base = r * d;
                for (int i = 0; i < half; i++) {
                    double c = cos[at + i];
                    double s = sin[at + i];
                    double a = x[base + i];
                    double b = x[base + i + half];
                    // x' = x·cos + rotate_half(x)·sin, with rotate_half = (−b, a) on the pair (a, b).
                    x[base + i] = (float) (a * c - b * s);
                    x[base + i + half] = (float) (b * c + a * s);
                }
            }
            return x;
        }
    }

    /** The angles of {@code positions} (T) for this head dimension and base. */
    public Angles angles(int[] positions) {
        int half = d / 2;
        int t = positions.length;
        double[] cos = new double[t * half];
        double[] sin = new double[t * half];
        double[] angles = new double[t * half];
        for (int pos = 0; pos < t; pos++) {
            int p = positions[pos];
            for (int i = 0; i < half; i++) {
                // float32 angle, as in the model (position · inv_freq in float).
                float angle = p * (float) invFreq[i];
                cos[pos * half + i] = Math.cos(angle);
                sin[pos * half + i] = Math.sin(angle);
                angles[pos * half + i] = angle;
            }
        }
        return new Angles(d, t, cos, sin, angles);
    }

    /**
     * Rotates rows of x in place.
     *
     * @param x         (rows, d): one head's vectors, or (heads·T, d) with positions repeating
     * @param positions (T) position of each row; row r uses positions[r % T]
     */
    public float[] applyInPlace(float[] x, int[] positions) {
        return angles(positions).rotateInPlace(x);
    }

    /** A rotated copy of x; see {@link #applyInPlace}. */
    public float[] apply(float[] x, int[] positions) {
        return applyInPlace(x.clone(), positions);
    }

    /** Positions 0..T−1, the positions of a single prompt without padding. */
    public static int[] positions(int t) {
        int[] p = new int[t];
        for (int i = 0; i < t; i++) {
            p[i] = i;
        }
        return p;
    }
}
