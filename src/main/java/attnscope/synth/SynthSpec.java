package attnscope.synth;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What {@link SyntheticModelWriter} builds: the geometry of a Qwen2-architecture decoder, the
 * seed of its random weights, the graph style, and optional deliberate faults.
 *
 * <p>Shapes use the project's vocabulary: D = {@code hidden}, H = {@code heads},
 * Hkv = {@code kvHeads}, d = {@code headDim}; query head h reads key/value head h / (H/Hkv).
 *
 * @param hidden          D, the residual stream width
 * @param heads           H, query heads per layer
 * @param kvHeads         Hkv, key/value heads per layer (H must be a multiple)
 * @param headDim         d, even (rotary rotates pairs); a multiple of 16 for {@link Style#FUSED_GQA}
 * @param layers          number of decoder layers
 * @param intermediate    SwiGLU inner width
 * @param vocab           rows of the (tied) embedding
 * @param ropeTheta       rotary base θ used by the graph
 * @param maxPositions    max_position_embeddings (rows of the fused style's cos/sin caches)
 * @param seed            seed of all weights: same spec → byte-identical files
 * @param style           which exporter the graph imitates
 * @param scale           where the decomposed graph applies 1/√d
 * @param faults          deliberate errors for negative tests of the inspector (empty: a correct model)
 * @param gqaQkOutput     fused style only: 0 none, 1 expose GroupQueryAttention's scores (before
 *                        softmax), 2 its pattern (after), as graph outputs {@code output_qk.{i}}
 * @param packedQkv       fused style only: one qkv_proj MatMul (columns q | k | v) feeding the packed
 *                        query input of GroupQueryAttention, as the genai builder writes it
 * @param configRopeTheta the rope_theta written to config.json: equal to {@code ropeTheta} for an
 *                        honest model, different to test that the inspector notices a wrong config
 * @param dtype           the element type of weights and activations (fp16: as onnxruntime-genai's
 *                        builder and the onnx-community fp16 files store them)
 * @param quantize        how the linear layers' weights are stored: plain, 4-bit blocks (MatMulNBits, the
 *                        onnx-community q4 / q4f16 files) or 8-bit (DynamicQuantizeLinear + MatMulInteger, int8)
 */
public record SynthSpec(int hidden, int heads, int kvHeads, int headDim, int layers, int intermediate, int vocab,
        double ropeTheta, int maxPositions, long seed, Style style, ScalePlacement scale, Set<Fault> faults,
        int gqaQkOutput, boolean packedQkv, double configRopeTheta, DType dtype, Quantize quantize) {

    /** The graph style: which real exporter the graph looks like. */
    public enum Style {
        /** optimum / transformers.js: attention as MatMul → Mul → Add(mask) → Softmax → MatMul. */
        DECOMPOSED("decomposed"),
        /**
         * torch exporting scaled_dot_product_attention with a float mask: Mul(√scale) on Q and on Kᵀ,
         * MatMul, Add(mask), Softmax, MatMul.
         */
        SDPA("sdpa"),
        /**
         * torch ≥ 2.1 exporting scaled_dot_product_attention with a boolean mask (transformers ≥ 4.53):
         * Where(mask, 0, −∞) → Add → Softmax → Where(IsNaN(w), 0, w) → MatMul(V).
         */
        SDPA_BOOL("sdpa-bool"),
        /** torch's dynamo exporter at opset ≥ 23: the standard ONNX Attention op, K/V with Hkv heads, a float mask. */
        ONNX_ATTENTION("onnx-attention"),
        /**
         * ONNX Runtime's transformer optimizer: com.microsoft:MultiHeadAttention, queries (B, T, H·d),
         * keys and values repeated to H heads (B, H, T, d) before it, the mask as attention_bias.
         */
        MHA("mha"),
        /** onnxruntime-genai builder: one com.microsoft:GroupQueryAttention node with do_rotary=1. */
        FUSED_GQA("fused-gqa", "gqa");

        private final String cliName;
        private final String alias;

        Style(String cliName) {
            this(cliName, cliName);
        }

        Style(String cliName, String alias) {
            this.cliName = cliName;
            this.alias = alias;
        }

        /** The name on the command line and in config.json ("decomposed", "fused-gqa", ...). */
        public String cliName() {
            return cliName;
        }

        /** Rotary and mask built from position_ids and attention_mask in ordinary ops (all but fused-gqa). */
        public boolean ordinaryRotaryAndMask() {
            return this != FUSED_GQA;
        }

        /** The ONNX opset the graph needs: 23 for the standard Attention op, else 17. */
        public int opset() {
            return this == ONNX_ATTENTION ? 23 : 17;
        }

        /** Whether the graph uses com.microsoft ops. */
        public boolean microsoftOps() {
            return this == FUSED_GQA || this == MHA;
        }

        public static Style fromCliName(String name) {
            for (Style s : values()) {
                if (s.cliName.equalsIgnoreCase(name) || s.alias.equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown style '" + name + "': expected one of "
                    + java.util.Arrays.stream(values()).map(Style::cliName).collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    /** The floating-point type the graph computes in. */
    public enum DType {
        FP32("fp32", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT),
        FP16("fp16", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16);

        private final String cliName;
        private final ai.onnx.proto.OnnxMl.TensorProto.DataType onnx;

        DType(String cliName, ai.onnx.proto.OnnxMl.TensorProto.DataType onnx) {
            this.cliName = cliName;
            this.onnx = onnx;
        }

        public String cliName() {
            return cliName;
        }

        /** The ONNX element type of weights and activations. */
        public ai.onnx.proto.OnnxMl.TensorProto.DataType onnx() {
            return onnx;
        }

        public static DType fromCliName(String name) {
            for (DType t : values()) {
                if (t.cliName.equalsIgnoreCase(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown dtype '" + name + "': expected fp32 or fp16");
        }
    }

    /** How the linear layers' weights are stored. */
    public enum Quantize {
        NONE("none"),
        /** MatMulNBits: 4-bit, blocks of 32 along the input axis, one scale per block and output column, zero point 8. */
        Q4("q4"),
        /** quantize_dynamic: int8 weights with one scale, activations quantized on the fly (DynamicQuantizeLinear → MatMulInteger). */
        INT8("int8");

        private final String cliName;

        Quantize(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Quantize fromCliName(String name) {
            for (Quantize q : values()) {
                if (q.cliName.equalsIgnoreCase(name)) {
                    return q;
                }
            }
            throw new IllegalArgumentException("unknown quantization '" + name + "': expected none, q4 or int8");
        }
    }

    /** Where the decomposed graph multiplies by 1/√d (the result is the same up to rounding). */
    public enum ScalePlacement {
        /** scores = MatMul(Q, Kᵀ) · (1/√d): the textbook order. */
        AFTER_MATMUL,
        /** scores = MatMul(Q·s, Kᵀ·s) with s = √(1/√d), as optimum's exports do. */
        SPLIT_SQRT
    }

    /** Deliberate errors, so that every check of the inspector has a model on which it fails. */
    public enum Fault {
        /** The mask has no causal part: every token also sees the tokens after it (decomposed only). */
        FUTURE_VISIBLE_MASK,
        /**
         * Heads 0 and 1 trade places in the concatenation that feeds o_proj: each Softmax pattern is
         * still right per head, but z of head 0 lands where head 1's belongs, and vice versa.
         */
        SWAPPED_HEADS
    }

    public SynthSpec {
        faults = faults == null || faults.isEmpty() ? Collections.emptySet()
                : Collections.unmodifiableSet(EnumSet.copyOf(faults));
        if (quantize == null) {
            quantize = Quantize.NONE;
        }
        if (quantize == Quantize.INT8 && dtype != DType.FP32) {
            throw new IllegalArgumentException("int8 quantization needs dtype fp32: DynamicQuantizeLinear reads float32 "
                    + "(the onnx-community int8 files are fp32 models)");
        }
        if (quantize != Quantize.NONE && packedQkv) {
            throw new IllegalArgumentException("quantization of the packed qkv_proj is not written; leave out the packed QKV");
        }
        if (style == null || scale == null || dtype == null) {
            throw new IllegalArgumentException("style, scale placement and dtype must be given");
        }
        requirePositive("hidden size", hidden);
        requirePositive("heads", heads);
        requirePositive("key/value heads", kvHeads);
        requirePositive("head dimension", headDim);
        requirePositive("layers", layers);
        requirePositive("intermediate size", intermediate);
        requirePositive("vocabulary size", vocab);
        requirePositive("max positions", maxPositions);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of key/value heads ("
                    + kvHeads + "): query head h reads key/value head h / (H/Hkv)");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head dimension must be even (rotary rotates pairs of dimensions), "
                    + "found " + headDim);
        }
        if (!(ropeTheta > 1) || !(configRopeTheta > 1)) {
            throw new IllegalArgumentException("rope theta must be > 1, found " + ropeTheta);
        }
        if (style == Style.FUSED_GQA && headDim % 16 != 0) {
            throw new IllegalArgumentException("style fused-gqa needs a head dimension that is a multiple of 16 "
                    + "(ONNX Runtime's CPU GroupQueryAttention), found " + headDim);
        }
        if (style == Style.FUSED_GQA && faults.contains(Fault.FUTURE_VISIBLE_MASK)) {
            throw new IllegalArgumentException("fault FUTURE_VISIBLE_MASK needs style decomposed: "
                    + "GroupQueryAttention is always causal");
        }
        if (faults.contains(Fault.SWAPPED_HEADS) && heads < 2) {
            throw new IllegalArgumentException("fault SWAPPED_HEADS needs at least 2 heads, found " + heads);
        }
        if (gqaQkOutput < 0 || gqaQkOutput > 2 || (gqaQkOutput != 0 && style != Style.FUSED_GQA)) {
            throw new IllegalArgumentException("gqaQkOutput must be 0, or 1/2 with style fused-gqa, found "
                    + gqaQkOutput + " with style " + style.cliName());
        }
        if (packedQkv && style != Style.FUSED_GQA) {
            throw new IllegalArgumentException("packed qkv_proj needs style fused-gqa");
        }
        long embedding = (long) vocab * hidden;
        if (embedding > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the embedding (vocab × hidden = " + embedding
                    + " floats) must stay below 2^31 elements for ONNX Runtime's Gather");
        }
    }

    private static void requirePositive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, found " + value);
        }
    }

    /** Qwen2.5-0.5B's attention geometry (D 896, H 14, Hkv 2, d 64, θ 10⁶) with a small vocab and MLP. */
    public static Builder qwen25Geometry(int layers) {
        return builder().hidden(896).heads(14).kvHeads(2).headDim(64).layers(layers).intermediate(1024).vocab(1024)
                .ropeTheta(1_000_000).maxPositions(32768);
    }

    /** The full Qwen2.5-0.5B shape: 24 layers, MLP 4864, vocab 151936 (≈ 2 GB of float32 weights). */
    public static Builder fullQwen25() {
        return qwen25Geometry(24).intermediate(4864).vocab(151936);
    }

    /** A tiny model for fast tests: D 64, H 4, Hkv 2, d 16, 2 layers, vocab 512. */
    public static Builder tiny() {
        return builder().hidden(64).heads(4).kvHeads(2).headDim(16).layers(2).intermediate(128).vocab(512)
                .ropeTheta(10_000).maxPositions(512);
    }

    /** A builder with the defaults of {@link #tiny()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values. */
    public Builder toBuilder() {
        Builder b = new Builder().hidden(hidden).heads(heads).kvHeads(kvHeads).headDim(headDim).layers(layers)
                .intermediate(intermediate).vocab(vocab).ropeTheta(ropeTheta).maxPositions(maxPositions).seed(seed)
                .style(style).scale(scale).faults(faults).gqaQkOutput(gqaQkOutput)
                .packedQkv(packedQkv).dtype(dtype).quantize(quantize);
        if (configRopeTheta != ropeTheta) {
            b.configRopeTheta(configRopeTheta);
        }
        return b;
    }

    /** H/Hkv, query heads sharing one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /** Fluent construction; unset values take the tiny defaults, configRopeTheta follows ropeTheta. */
    public static final class Builder {
        private int hidden = 64;
        private int heads = 4;
        private int kvHeads = 2;
        private int headDim = 16;
        private int layers = 2;
        private int intermediate = 128;
        private int vocab = 512;
        private double ropeTheta = 10_000;
        private int maxPositions = 512;
        private long seed;
        private Style style = Style.DECOMPOSED;
        private ScalePlacement scale = ScalePlacement.AFTER_MATMUL;
        private Set<Fault> faults = EnumSet.noneOf(Fault.class);
        private int gqaQkOutput;
        private boolean packedQkv;
        private Double configRopeTheta;
        private DType dtype = DType.FP32;
        private Quantize quantize = Quantize.NONE;

        public Builder hidden(int v) { hidden = v; return this; }
        public Builder heads(int v) { heads = v; return this; }
        public Builder kvHeads(int v) { kvHeads = v; return this; }
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder layers(int v) { layers = v; return this; }
        public Builder intermediate(int v) { intermediate = v; return this; }
        public Builder vocab(int v) { vocab = v; return this; }
        public Builder ropeTheta(double v) { ropeTheta = v; return this; }
        public Builder maxPositions(int v) { maxPositions = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder style(Style v) { style = v; return this; }
        public Builder scale(ScalePlacement v) { scale = v; return this; }
        public Builder gqaQkOutput(int v) { gqaQkOutput = v; return this; }
        public Builder packedQkv(boolean v) { packedQkv = v; return this; }
        public Builder dtype(DType v) { dtype = v; return this; }
        public Builder quantize(Quantize v) { quantize = v; return this; }
        /** Writes this rope_theta to config.json while the graph keeps {@link #ropeTheta}: a lying config. */
        public Builder configRopeTheta(double v) { configRopeTheta = v; return this; }

        public Builder faults(Set<Fault> v) {
            faults = v.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(v);
            return this;
        }

        public Builder fault(Fault f) {
            faults.add(f);
            return this;
        }

        /** @throws IllegalArgumentException naming the first inconsistent value */
        public SynthSpec build() {
            return new SynthSpec(hidden, heads, kvHeads, headDim, layers, intermediate, vocab, ropeTheta, maxPositions,
                    seed, style, scale, faults, gqaQkOutput, packedQkv, configRopeTheta == null ? ropeTheta : configRopeTheta, dtype, quantize);
        }
    }
}
