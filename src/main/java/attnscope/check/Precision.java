package attnscope.check;

/**
 * The floating-point type a model computes attention in, and the tolerances that follow from its
 * machine epsilon ε (the gap between 1 and the next value: fp32 2⁻²³, fp16 2⁻¹⁰, bf16 2⁻⁷) and
 * the number of tokens T. Every rounding step of the type changes a value by at most ε/2 of itself.
 *
 * <p>float32 keeps the fixed tolerances of {@link Tolerance} (they are looser than the derived ones:
 * they also absorb the differences between ONNX Runtime's kernels and the double-accumulated
 * reference). For fp16 and bf16 the derivations are in docs/CONTRACT.md ("Tolerances"):
 * <ul>
 * <li>pattern: |a − b| ≤ ε + 8ε·|b|. The model rounds scores, the scaled scores and the weights
 *     to the type; a score error δ changes a weight by a factor within e^{±2δ}, and the weights
 *     that are not ≈ 0 have scores within ≈ 8 of the row's largest, so δ ≤ 8·ε/2 plus the output rounding.</li>
 * <li>row sums: |Σ − 1| ≤ ε·(1 + ⌈log₂ T⌉): each weight's rounding (ε/2 of a total of 1), and a sum of T
 *     terms in the type (pairwise, ⌈log₂ T⌉ levels of ε/2).</li>
 * <li>z = Σ_j p_j·v_j: the pattern's relative error carried through (8ε·max|v|) plus the rounding of z: |a − b| ≤ 8ε·max|v| + 8ε·|b|.</li>
 * <li>hooked vs untouched output: 16ε·max|logit| + 16ε·|b| (rounding at different points once tensors are exposed).</li>
 * <li>scale: |scale·√d − 1| ≤ ε (the constant, or the two factors √s, rounded to the type).</li>
 * <li>rotary x·cos + rotate_half(x)·sin: cos, sin, both products and the sum rounded: ≤ 3ε·max|x| absolute.</li>
 * </ul>
 *
 * @param name    "fp32", "fp16", "bf16"
 * @param epsilon the type's machine epsilon
 */
public record Precision(String name, double epsilon) {
    public static final Precision FP32 = new Precision("fp32", 0x1p-23);
    public static final Precision FP16 = new Precision("fp16", 0x1p-10);
    public static final Precision BF16 = new Precision("bf16", 0x1p-7);

    /** The precision of an ONNX element type (TensorProto.DataType: 1 FLOAT, 10 FLOAT16, 16 BFLOAT16); others are fp32's. */
    public static Precision ofOnnxType(int elementType) {
        return switch (elementType) {
            case 10 -> FP16;
            case 16 -> BF16;
            default -> FP32;
        };
    }

    /** The coarser of two precisions: attention is as precise as its least precise tensor. */
    public Precision coarser(Precision other) {
        return other.epsilon > epsilon ? other : this;
    }

    public boolean isFloat32() {
        return epsilon <= FP32.epsilon;
    }

    /** Model pattern against the reference's. */
    public Tolerance pattern() {
        return isFloat32() ? Tolerance.PATTERN_FP32 : new Tolerance(epsilon, 8 * epsilon);
    }

    /** How far a row of T weights may sum from 1. */
    public double rowSumLimit(double fp32Limit, int tokens) {
        if (isFloat32()) {
            return fp32Limit;
        }
        int levels = 32 - Integer.numberOfLeadingZeros(Math.max(tokens - 1, 0)); // ⌈log₂ T⌉
        return Math.max(fp32Limit, epsilon * (1 + levels));
    }

    /**
     * How far the graph's score scale may be from 1/√d: the scale constant is stored in the type, and
     * torch's SDPA export multiplies two rounded factors √s (ε/2 relative each): ε.
     */
    public double scaleLimit(double fp32Limit) {
        return isFloat32() ? fp32Limit : Math.max(fp32Limit, epsilon);
    }

    /** Per-head outputs z, whose values V are at most {@code maxAbsV} in size. */
    public Tolerance output(double maxAbsV) {
        return isFloat32() ? Tolerance.OUTPUT_FP32 : new Tolerance(8 * epsilon * maxAbsV, 8 * epsilon);
    }

    /** The rotary check's tolerance widened for the type's rounding of x·cos + rotate_half(x)·sin, |x| ≤ maxAbsX. */
    public Tolerance rotary(Tolerance fp32, double maxAbsX) {
        return isFloat32() ? fp32 : fp32.atLeast(new Tolerance(3 * epsilon * maxAbsX, 0));
    }

    /**
     * The hooked graph's output against the untouched graph's. Exposing a tensor keeps ONNX Runtime from
     * fusing the ops around it, so in fp16 the two graphs round at different points: a few ε/2 per layer,
     * carried to the logits; 16ε relative to the largest logit. (fp32: the fixed {@code fp32} tolerance.)
     */
    public Tolerance hookedOutput(Tolerance fp32, double maxAbsOutput) {
        return isFloat32() ? fp32 : fp32.atLeast(new Tolerance(16 * epsilon * maxAbsOutput, 16 * epsilon));
    }

    @Override
    public String toString() {
        return name;
    }
}
