package attnscope.check;

/**
 * A two-sided closeness test, |a − b| ≤ atol + rtol·|b| (b the expected value): atol covers values
 * near zero, rtol the rounding that grows with the size of a value.
 */
public record Tolerance(double atol, double rtol) {
    /** Attention weights from float32 ONNX Runtime kernels against the double-accumulated reference. */
    public static final Tolerance PATTERN_FP32 = new Tolerance(1e-5, 1e-4);
    /** Per-head outputs, float32: sums of T products, so a little looser than the weights. */
    public static final Tolerance OUTPUT_FP32 = new Tolerance(1e-5, 1e-3);
    /** The model's outputs with and without extra graph outputs: same kernels, so they should agree closely. */
    public static final Tolerance LOGITS = new Tolerance(1e-4, 1e-4);

    /** Each bound the larger of the two: a tolerance that admits what either admits (composes a dtype's widening with another change). */
    public Tolerance atLeast(Tolerance other) {
        return new Tolerance(Math.max(atol, other.atol), Math.max(rtol, other.rtol));
    }

    public boolean close(double a, double b) {
        return Math.abs(a - b) <= atol + rtol * Math.abs(b);
    }

    public double limitFor(double b) {
        return atol + rtol * Math.abs(b);
    }

    @Override
    public String toString() {
        return "|a − b| ≤ " + atol + " + " + rtol + "·|b|";
    }
}
