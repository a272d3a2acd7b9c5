package attnscope.synth;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import attnscope.synth.SynthSpec.Fault;
import attnscope.synth.SynthSpec.ScalePlacement;
import attnscope.synth.SynthSpec.Style;
import java.util.function.Supplier;

/**
 * The ONNX graph of a Hugging Face Qwen2 decoder (batch B, T tokens):
 *
 * <pre>
 * x = embed[input_ids]                                           (B, T, D)
 * per layer:  h = RMSNorm(x);  q, k, v = h·Wq + bq, h·Wk + bk, h·Wv + bv
 *             q, k rotated (rotary, rotate_half);  present.{i}.key = k, present.{i}.value = v  (B, Hkv, T, d)
 *             z_h = softmax(q_h·k_{h/(H/Hkv)}ᵀ/√d + mask)·v_{h/(H/Hkv)}                    (B, H, T, d)
 *             x = x + concat_h(z_h)·Wo;   x = x + (SiLU(h'·W_gate) ⊙ h'·W_up)·W_down, h' = RMSNorm(x)
 * logits = RMSNorm(x)·embedᵀ  (tied lm_head, one Gemm)              (B, T, vocab)
 * </pre>
 *
 * <p>Weights are stored as MatMul operands, (in, out), the transpose of PyTorch's Linear.weight.
 * The mask adds the float32 minimum (as optimum's exports do, rather than −∞) where a key lies in
 * the future of its query or is padding (attention_mask = 0); softmax turns those into exact zeros.
 */
final class Qwen2Graph {
    /** Scales of the random weights, chosen so attention is far from uniform yet logits stay finite. */
    static final class Scales {
        /**
         * Std of q/k projection entries, times 1/√D. With the biases, q and k components have std
         * ≈ √(2² + 1²), so scores q·k/√d have a std of about 5: sharp, far from uniform patterns.
         */
        static final double QK_WEIGHT = 2.0;
        /** Std of q/k biases: like real Qwen2 models, large biases give position-dependent attention sinks. */
        static final double QK_BIAS = 1.0;
        static final double V_BIAS = 0.1;
        static final double EMBEDDING = 0.1;
        /** RMSNorm weights uniform in 1 ± this. */
        static final double NORM_SPREAD = 0.2;

        private Scales() {
        }
    }

    private static final float FLOAT_MIN = -Float.MAX_VALUE;
    /** The lowest finite fp16 value, the mask's "−∞" in fp16 graphs. */
    private static final float FLOAT16_MIN = -65504f;
    private static final String MODEL = "/model";

    private final SynthSpec spec;
    private final GraphBuilder g;
    /** The element type of weights and activations (FLOAT or FLOAT16). */
    private final DataType ft;
    /** Names the float constants after their type ("f32", "f16"): one graph never mixes them up. */
    private final String ftTag;
    private final int d;
    private int matMulWeightCounter = 1000;
    // rotary tables of the decomposed style, (B, 1, T, d), shared by all layers
    private String cos;
    private String sin;
    private String mask;
    /** The boolean form of the mask (B, 1, T, T), true where attention is allowed, as torch hands it to SDPA. */
    private String allowed;
    // inputs of the fused style's GroupQueryAttention
    private String seqlensK;
    private String totalLength;
    private String cosCache;
    private String sinCache;

    private Qwen2Graph(SynthSpec spec, GraphBuilder g) {
        this.spec = spec;
        this.g = g;
        this.d = spec.headDim();
        this.ft = spec.dtype().onnx();
        this.ftTag = ft == DataType.FLOAT ? "f32" : "f16";
    }

    /** A weight in the model's float type. */
    private String weight(String name, long[] dims, Supplier<WeightFile.Values> values) {
        return g.weight(name, dims, ft, values);
    }

    /** An inline scalar constant in the model's float type. */
    private String scalar(String name, float value) {
        return g.floats(ft, name, true, value);
    }

    /** Adds the whole model to {@code g}, registering its weights with g's weight file. */
    static void build(SynthSpec spec, GraphBuilder g) {
        new Qwen2Graph(spec, g).build();
    }

    private void build() {
        g.input("input_ids", DataType.INT64, "batch_size", "sequence_length");
        g.input("attention_mask", DataType.INT64, "batch_size", "sequence_length");
        g.input("position_ids", DataType.INT64, "batch_size", "sequence_length");

        String embed = weight("model.embed_tokens.weight", dims(spec.vocab(), spec.hidden()),
                random("embed_tokens.weight", Scales.EMBEDDING));
        String x = g.op(MODEL + "/embed_tokens", "Gather", embed, "input_ids"); // (B, T, D)

        if (spec.style().ordinaryRotaryAndMask()) {
            rotaryTables();
            causalMask();
        } else {
            gqaInputs();
        }
        for (int i = 0; i < spec.layers(); i++) {
            x = layer(i, x);
        }
        String h = rmsNorm(MODEL + "/norm", x);
        // Tied lm_head: logits = h·embedᵀ as Gemm(transB=1) on (B·T, D) rows, reading the embedding in
        // place. (MatMul with a Transpose node would make ONNX Runtime fold a transposed 544 MB copy of
        // the Qwen2.5 embedding at every session start: seconds more, measured.)
        String scope = "/lm_head";
        String rows = g.op(scope, "Reshape", h, g.int64s(false, -1, spec.hidden())); // (B·T, D)
        String flatLogits = g.node(scope, "Gemm", rows, embed).attr("transB", 1L).out(); // (B·T, vocab)
        String logitsShape = g.node(scope, "Concat", g.op(scope, "Shape", "input_ids"), g.int64s(false, spec.vocab()))
                .attr("axis", 0L).out(); // [B, T, vocab]
        g.node(scope, "Reshape", flatLogits, logitsShape).outputs("logits");

        g.output("logits", ft, "batch_size", "sequence_length", spec.vocab());
        for (int i = 0; i < spec.layers(); i++) {
            g.output("present." + i + ".key", ft, "batch_size", spec.kvHeads(), "sequence_length", d);
            g.output("present." + i + ".value", ft, "batch_size", spec.kvHeads(), "sequence_length", d);
        }
        if (spec.gqaQkOutput() != 0) {
            for (int i = 0; i < spec.layers(); i++) {
                g.output(qkOutputName(i), ft, "batch_size", spec.heads(), "sequence_length",
                        "sequence_length");
            }
        }
    }

    /** The graph output holding GroupQueryAttention's scores or pattern of layer i (when requested). */
    static String qkOutputName(int layer) {
        return "output_qk." + layer;
    }

    private String layer(int i, String x) {
        String scope = MODEL + "/layers." + i;
        String h = rmsNorm(scope + "/input_layernorm", x);
        String attn = switch (spec.style()) {
            case DECOMPOSED, SDPA, SDPA_BOOL -> decomposedAttention(i, h);
            case ONNX_ATTENTION, MHA -> standardOrMultiHeadAttention(i, h);
            case FUSED_GQA -> fusedAttention(i, h);
        };
        x = g.op(scope, "Add", x, attn);
        String h2 = rmsNorm(scope + "/post_attention_layernorm", x);
        return g.op(scope, "Add", x, mlp(i, h2));
    }

    // ---- decomposed attention (optimum / transformers.js) ----

    /** Model-level rotary tables from position_ids: cos, sin of (B, 1, T, d), as HF's Qwen2RotaryEmbedding. */
    private void rotaryTables() {
        String scope = MODEL + "/rotary_emb";
        float[] invFreq = inverseFrequencies();
        long toFloat = DataType.FLOAT.getNumber();
        String pos = g.node(scope, "Cast", "position_ids").attr("to", toFloat).out(); // (B, T)
        String pos3 = g.op(scope, "Unsqueeze", pos, g.int64s(false, 2)); // (B, T, 1)
        String freqs = g.op(scope, "Mul", pos3, g.floats("model.rotary_emb.inv_freq", false, invFreq)); // (B, T, d/2)
        String emb = g.node(scope, "Concat", freqs, freqs).attr("axis", -1L).out(); // (B, T, d)
        cos = g.op(scope, "Unsqueeze", toModelType(scope, g.op(scope, "Cos", emb)), g.int64s(false, 1)); // (B, 1, T, d)
        sin = g.op(scope, "Unsqueeze", toModelType(scope, g.op(scope, "Sin", emb)), g.int64s(false, 1));
    }

    /** A float32 tensor cast to the model's type (nothing when that is float32): the angles stay exact in fp32. */
    private String toModelType(String scope, String x) {
        return ft == DataType.FLOAT ? x : g.node(scope, "Cast", x).attr("to", (long) ft.getNumber()).out();
    }

    /** inv_freq[i] = θ^(−2i/d), rounded to float32 as Hugging Face (and attnscope.attention.Rotary) do. */
    private float[] inverseFrequencies() {
        float[] inv = new float[d / 2];
        for (int i = 0; i < d / 2; i++) {
            inv[i] = (float) (1.0 / Math.pow(spec.ropeTheta(), (2.0 * i) / d));
        }
        return inv;
    }

    /**
     * mask (B, 1, T, T): 0 where query t may read key s, float32 min where s &gt; t (future) or
     * attention_mask[s] = 0 (padding). With the FUTURE_VISIBLE_MASK fault only padding is masked.
     */
    private void causalMask() {
        String scope = MODEL;
        String shape = g.op(scope, "Shape", "input_ids");
        String t = g.node(scope, "Gather", shape, g.int64s(true, 1)).attr("axis", 0L).out(); // scalar T
        String range = g.op(scope, "Range", g.int64s(true, 0), t, g.int64s(true, 1)); // (T)
        String queryPos = g.op(scope, "Unsqueeze", range, g.int64s(false, 1)); // (T, 1)
        String keyPos = g.op(scope, "Unsqueeze", range, g.int64s(false, 0)); // (1, T)
        // (T, T): key s after query t. With the FUTURE_VISIBLE_MASK fault, s > t + T: never, so only padding
        // is masked, and the mask keeps its (B, 1, T, T) shape, which fused attention ops require.
        String limit = spec.faults().contains(Fault.FUTURE_VISIBLE_MASK) ? g.op(scope, "Add", queryPos, t) : queryPos;
        String future = g.op(scope, "Greater", keyPos, limit);
        String padding = g.op(scope, "Equal", "attention_mask", g.int64s(true, 0)); // (B, T)
        String padding4 = g.op(scope, "Unsqueeze", padding, g.int64s(false, 1, 2)); // (B, 1, 1, T)
        String blocked = g.op(scope, "Or", future, padding4); // (B, 1, T, T)
        allowed = g.op(scope, "Not", blocked); // (B, 1, T, T) bool: true where query t may read key s
        float lowest = ft == DataType.FLOAT ? FLOAT_MIN : FLOAT16_MIN;
        mask = g.op(scope, "Where", blocked, scalar("const_" + ftTag + "_min", lowest), scalar("const_" + ftTag + "_0", 0f));
    }

    private String decomposedAttention(int i, String h) {
        String scope = MODEL + "/layers." + i + "/self_attn";
        int heads = spec.heads();
        int kvHeads = spec.kvHeads();
        String q = linear(i, scope, "q_proj", h, spec.hidden(), heads * d, true); // (B, T, H·d)
        String k = linear(i, scope, "k_proj", h, spec.hidden(), kvHeads * d, true); // (B, T, Hkv·d)
        String v = linear(i, scope, "v_proj", h, spec.hidden(), kvHeads * d, true);

        String q4 = splitHeads(scope, q, heads, null); // (B, H, T, d)
        String k4 = splitHeads(scope, k, kvHeads, null); // (B, Hkv, T, d)
        String v4 = splitHeads(scope, v, kvHeads, "present." + i + ".value");
        String qRot = rotate(scope, q4, null);
        String kRot = rotate(scope, k4, "present." + i + ".key");

        String kAll = repeatKv(scope, kRot); // (B, H, T, d): query head h reads key/value head h/(H/Hkv)
        String vAll = repeatKv(scope, v4);
        String kT = g.node(scope, "Transpose", kAll).ints("perm", 0L, 1L, 3L, 2L).out(); // (B, H, d, T)
        String scores; // (B, H, T, T)
        float scale = (float) (1.0 / Math.sqrt(d));
        if (spec.scale() == ScalePlacement.SPLIT_SQRT || spec.style() != Style.DECOMPOSED) {
            // torch's SDPA export: √scale on Q and on Kᵀ, so that the product stays in range in fp16
            String s = scalar(scope + "/sqrt_scale", (float) Math.sqrt(scale));
            scores = g.op(scope, "MatMul", g.op(scope, "Mul", qRot, s), g.op(scope, "Mul", kT, s));
        } else {
            scores = g.op(scope, "Mul", g.op(scope, "MatMul", qRot, kT), scalar(scope + "/scale", scale));
        }
        String pattern;
        if (spec.style() == Style.SDPA_BOOL) {
            // Where(mask, 0, −∞) → Add → Softmax; a fully masked row would be NaN, so torch zeroes NaN after softmax.
            String bias = g.op(scope, "Where", allowed, scalar("const_" + ftTag + "_0", 0f),
                    scalar("const_" + ftTag + "_minus_inf", Float.NEGATIVE_INFINITY)); // (B, 1, T, T)
            String weights = g.node(scope, "Softmax", g.op(scope, "Add", scores, bias)).attr("axis", -1L).out();
            pattern = g.op(scope, "Where", g.op(scope, "IsNaN", weights), scalar("const_" + ftTag + "_0", 0f), weights);
        } else {
            String masked = g.op(scope, "Add", scores, mask);
            pattern = g.node(scope, "Softmax", masked).attr("axis", -1L).out(); // rows sum to 1
        }
        String z = g.op(scope, "MatMul", pattern, vAll); // (B, H, T, d)
        String zT = g.node(scope, "Transpose", z).ints("perm", 0L, 2L, 1L, 3L).out(); // (B, T, H, d)
        String concat = g.op(scope, "Reshape", permuteHeadsIfFaulty(scope, zT), g.int64s(false, 0, 0, heads * d));
        return linear(i, scope, "o_proj", concat, heads * d, spec.hidden(), false); // (B, T, D)
    }

    /** (B, T, n·d) → (B, n, T, d). */
    private String splitHeads(String scope, String x, int n, String outputName) {
        String r = g.op(scope, "Reshape", x, g.int64s(false, 0, 0, n, d)); // (B, T, n, d)
        GraphBuilder.Node t = g.node(scope, "Transpose", r).ints("perm", 0L, 2L, 1L, 3L);
        if (outputName != null) {
            t.outputs(outputName);
        }
        return t.out();
    }

    /** x·cos + rotate_half(x)·sin with rotate_half(x) = concat(−x[d/2:], x[:d/2]) on the last axis. */
    private String rotate(String scope, String x, String outputName) {
        String axis = g.int64s(false, 3);
        String first = g.op(scope, "Slice", x, g.int64s(false, 0), g.int64s(false, d / 2), axis);
        String second = g.op(scope, "Slice", x, g.int64s(false, d / 2), g.int64s(false, Long.MAX_VALUE), axis);
        String rotated = g.node(scope, "Concat", g.op(scope, "Neg", second), first).attr("axis", -1L).out();
        GraphBuilder.Node sum = g.node(scope, "Add", g.op(scope, "Mul", x, cos), g.op(scope, "Mul", rotated, sin));
        if (outputName != null) {
            sum.outputs(outputName);
        }
        return sum.out();
    }

    /** (B, Hkv, T, d) → (B, H, T, d), each key/value head repeated H/Hkv times (HF's repeat_kv). */
    private String repeatKv(String scope, String x) {
        int group = spec.groupSize();
        if (group == 1) {
            return x;
        }
        String x5 = g.op(scope, "Unsqueeze", x, g.int64s(false, 2)); // (B, Hkv, 1, T, d)
        String[] copies = new String[group];
        java.util.Arrays.fill(copies, x5);
        String stacked = g.node(scope, "Concat", copies).attr("axis", 2L).out(); // (B, Hkv, H/Hkv, T, d)
        return g.op(scope, "Reshape", stacked, g.int64s(false, 0, spec.heads(), -1, d));
    }

    /** The SWAPPED_HEADS fault: on (B, T, H, d), heads 0 and 1 trade places before o_proj. */
    private String permuteHeadsIfFaulty(String scope, String perHead) {
        if (!spec.faults().contains(Fault.SWAPPED_HEADS)) {
            return perHead;
        }
        long[] order = new long[spec.heads()];
        for (int h = 0; h < order.length; h++) {
            order[h] = h;
        }
        order[0] = 1;
        order[1] = 0;
        return g.node(scope, "Gather", perHead, g.int64s(false, order)).attr("axis", 2L).out();
    }

    // ---- one attention op after ordinary rotary: ONNX Attention (opset 23), com.microsoft:MultiHeadAttention ----

    /**
     * ONNX Attention(Q (B, H, T, d), K, V (B, Hkv, T, d), attn_mask (B, 1, T, T)) → Y (B, H, T, d): grouped-query
     * attention natively. MultiHeadAttention(query (B, T, H·d), key, value (B, H, T, d) repeated to H heads,
     * attention_bias (B, 1, T, T)) → (B, T, H·d): it takes no fewer key/value heads than query heads.
     */
    private String standardOrMultiHeadAttention(int i, String h) {
        String scope = MODEL + "/layers." + i + "/self_attn";
        int heads = spec.heads();
        int kvHeads = spec.kvHeads();
        String q = linear(i, scope, "q_proj", h, spec.hidden(), heads * d, true); // (B, T, H·d)
        String k = linear(i, scope, "k_proj", h, spec.hidden(), kvHeads * d, true); // (B, T, Hkv·d)
        String v = linear(i, scope, "v_proj", h, spec.hidden(), kvHeads * d, true);
        String qRot = rotate(scope, splitHeads(scope, q, heads, null), null); // (B, H, T, d)
        String kRot = rotate(scope, splitHeads(scope, k, kvHeads, null), "present." + i + ".key"); // (B, Hkv, T, d)
        String v4 = splitHeads(scope, v, kvHeads, "present." + i + ".value");
        String perHead; // (B, T, H, d)
        if (spec.style() == Style.ONNX_ATTENTION) {
            String y = g.node(scope, "Attention", qRot, kRot, v4, mask).out(); // (B, H, T, d)
            perHead = g.node(scope, "Transpose", y).ints("perm", 0L, 2L, 1L, 3L).out();
        } else {
            String q3 = g.op(scope, "Reshape", g.node(scope, "Transpose", qRot).ints("perm", 0L, 2L, 1L, 3L).out(),
                    g.int64s(false, 0, 0, heads * d)); // (B, T, H·d)
            String out = g.node(scope, "MultiHeadAttention", q3, repeatKv(scope, kRot), repeatKv(scope, v4), "", "", mask)
                    .domain(GraphBuilder.MS_DOMAIN).attr("num_heads", (long) heads).out(); // (B, T, H·d)
            perHead = g.op(scope, "Reshape", out, g.int64s(false, 0, 0, heads, d));
        }
        String concat = g.op(scope, "Reshape", permuteHeadsIfFaulty(scope, perHead), g.int64s(false, 0, 0, heads * d));
        return linear(i, scope, "o_proj", concat, heads * d, spec.hidden(), false); // (B, T, D)
    }

    // ---- fused attention (onnxruntime-genai builder) ----

    /** seqlens_k = (Σ attention_mask) − 1 per row, int32 (B); total_sequence_length = T, int32; cos/sin caches. */
    private void gqaInputs() {
        String scope = MODEL + "/attn_mask_reformat";
        String sum = g.node(scope, "ReduceSum", "attention_mask", g.int64s(false, 1)).attr("keepdims", 0L).out();
        String last = g.op(scope, "Sub", sum, g.int64s(true, 1));
        seqlensK = g.node(scope, "Cast", last).attr("to", (long) DataType.INT32.getNumber()).out();
        String shape = g.op(scope, "Shape", "attention_mask");
        String t = g.node(scope, "Gather", shape, g.int64s(true, 1)).attr("axis", 0L).out();
        totalLength = g.node(scope, "Cast", t).attr("to", (long) DataType.INT32.getNumber()).out();
        float[] invFreq = inverseFrequencies();
        cosCache = weight("cos_cache", dims(spec.maxPositions(), d / 2), () -> angleTable(invFreq, true));
        sinCache = weight("sin_cache", dims(spec.maxPositions(), d / 2), () -> angleTable(invFreq, false));
    }

    /** Rows p = 0.., columns i &lt; d/2: cos or sin of the float32 angle p·inv_freq[i]. */
    private static WeightFile.Values angleTable(float[] invFreq, boolean cosine) {
        return new WeightFile.Values() {
            private long index;

            @Override
            public void next(float[] chunk, int count) {
                for (int j = 0; j < count; j++, index++) {
                    float angle = (index / invFreq.length) * invFreq[(int) (index % invFreq.length)];
                    chunk[j] = (float) (cosine ? Math.cos(angle) : Math.sin(angle));
                }
            }
        };
    }

    private String fusedAttention(int i, String h) {
        String scope = MODEL + "/layers." + i + "/attn";
        int heads = spec.heads();
        int kvHeads = spec.kvHeads();
        String q;
        String k;
        String v;
        if (spec.packedQkv()) {
            q = packedQkv(i, scope, h); // (B, T, (H + 2·Hkv)·d); GroupQueryAttention splits it
            k = "";
            v = "";
        } else {
            q = linear(i, scope, "q_proj", h, spec.hidden(), heads * d, true); // (B, T, H·d)
            k = linear(i, scope, "k_proj", h, spec.hidden(), kvHeads * d, true); // (B, T, Hkv·d)
            v = linear(i, scope, "v_proj", h, spec.hidden(), kvHeads * d, true);
        }
        GraphBuilder.Node gqa = g.node(scope, "GroupQueryAttention", q, k, v, "", "", seqlensK, totalLength,
                cosCache, sinCache).domain(GraphBuilder.MS_DOMAIN)
                .attr("num_heads", (long) heads).attr("kv_num_heads", (long) kvHeads)
                .attr("do_rotary", 1L).attr("rotary_interleaved", 0L);
        String out = gqa.out();
        if (spec.gqaQkOutput() != 0) {
            gqa.attr("qk_output", (long) spec.gqaQkOutput());
            gqa.outputs(out, "present." + i + ".key", "present." + i + ".value", qkOutputName(i));
        } else {
            gqa.outputs(out, "present." + i + ".key", "present." + i + ".value");
        }
        String z = out; // (B, T, H·d), heads already concatenated
        if (spec.faults().contains(Fault.SWAPPED_HEADS)) {
            String perHead = g.op(scope, "Reshape", z, g.int64s(false, 0, 0, heads, d));
            z = g.op(scope, "Reshape", permuteHeadsIfFaulty(scope, perHead), g.int64s(false, 0, 0, heads * d));
        }
        return linear(i, scope, "o_proj", z, heads * d, spec.hidden(), false);
    }

    // ---- shared pieces ----

    /**
     * The linear layer {@code module} of layer i: x·W (+ b), W (in, out) with std 1/√in (q and k:
     * {@link Scales#QK_WEIGHT}/√in). Nodes are {@code scope/module/MatMul} and {@code .../Add}.
     * Initializers are named as each exporter does: optimum keeps PyTorch's names for biases and
     * gives MatMul weights opaque ones ({@code onnx::MatMul_N}); the genai builder names both after
     * their node ({@code model.layers.0.attn.q_proj.MatMul.weight}). The random stream depends only on
     * the layer and module, so both styles hold the same values.
     */
    private String linear(int i, String scope, String module, String x, int in, int out, boolean withBias) {
        String nodeScope = scope + "/" + module;
        String key = "layers." + i + "." + module;
        String path = nodeScope.substring(1).replace('/', '.'); // model.layers.0.self_attn.q_proj
        boolean optimum = spec.style() != Style.FUSED_GQA;
        boolean queryOrKey = module.equals("q_proj") || module.equals("k_proj");
        double std = (queryOrKey ? Scales.QK_WEIGHT : 1.0) / Math.sqrt(in);
        String weightName = optimum ? "onnx::MatMul_" + (matMulWeightCounter++) : path + ".MatMul.weight";
        String y = switch (spec.quantize()) {
            case NONE -> g.op(nodeScope, "MatMul", x, weight(weightName, dims(in, out), random(key + ".weight", std)));
            case Q4 -> matMulNBits(nodeScope, weightName, x, new QuantizedWeights(in, out, random(key + ".weight", std)), in, out);
            case INT8 -> matMulInteger(nodeScope, weightName, x, new QuantizedWeights(in, out, random(key + ".weight", std)), in, out);
        };
        if (!withBias) {
            return y;
        }
        double biasStd = queryOrKey ? Scales.QK_BIAS : Scales.V_BIAS;
        String b = weight(optimum ? path + ".bias" : path + ".Add.bias", dims(out), random(key + ".bias", biasStd));
        return g.op(nodeScope, "Add", b, y);
    }

    /** y = x·W with W in 4-bit blocks: com.microsoft:MatMulNBits (codes (out, blocks, 16), scales (out·blocks)). */
    private String matMulNBits(String scope, String weightName, String x, QuantizedWeights q, int in, int out) {
        float[] scales = q.q4Scales();
        if (ft == DataType.FLOAT16) {
            for (int i = 0; i < scales.length; i++) {
                scales[i] = Float16.round(scales[i]); // the codes are made with the scale the op will read
            }
        }
        String codes = g.weightBytes(weightName + "_Q4", dims(out, q.blocks(), QuantizedWeights.BLOCK / 2), DataType.UINT8,
                () -> q.q4Codes(scales));
        String scale = weight(weightName + "_scales", dims((long) out * q.blocks()), () -> QuantizedWeights.of(scales));
        return g.node(scope, "MatMulNBits", x, codes, scale).domain(GraphBuilder.MS_DOMAIN)
                .attr("K", (long) in).attr("N", (long) out).attr("bits", 4L).attr("block_size", (long) QuantizedWeights.BLOCK).out();
    }

    /**
     * y = x·W with int8 W, as quantize_dynamic writes it: x → DynamicQuantizeLinear → (x_q, x_scale,
     * x_zero_point); MatMulInteger(x_q, W_q, x_zero_point, 0) → Cast → · (x_scale · W_scale).
     */
    private String matMulInteger(String scope, String weightName, String x, QuantizedWeights q, int in, int out) {
        float wScale = q.int8Scale();
        String codes = g.weightBytes(weightName + "_quantized", dims(in, out), DataType.INT8, () -> q.int8Codes(wScale));
        GraphBuilder.Node dq = g.node(scope, "DynamicQuantizeLinear", x);
        String base = dq.name();
        dq.outputs(base + "_output_0", base + "_output_1", base + "_output_2");
        String product = g.op(scope, "MatMulInteger", dq.out(0), codes, dq.out(2), g.int8Scalar("const_i8_0", DataType.INT8, 0));
        String floats = g.node(scope, "Cast", product).attr("to", (long) DataType.FLOAT.getNumber()).out();
        String scale = g.op(scope, "Mul", dq.out(1), g.floats(weightName + "_scale", true, wScale));
        return g.op(scope, "Mul", floats, scale);
    }

    /**
     * The genai builder's packed projection: h·[Wq | Wk | Wv] + [bq | bk | bv], one MatMul whose
     * columns hold q, k and v side by side. Each row of the packed weight is drawn from the same
     * three random streams as the separate q_proj, k_proj and v_proj, so the values are identical.
     */
    private String packedQkv(int i, String scope, String h) {
        String nodeScope = scope + "/qkv_proj";
        String path = nodeScope.substring(1).replace('/', '.'); // model.layers.0.attn.qkv_proj
        int[] widths = {spec.heads() * d, spec.kvHeads() * d, spec.kvHeads() * d};
        String[] modules = {"q_proj", "k_proj", "v_proj"};
        double unit = 1.0 / Math.sqrt(spec.hidden());
        double[] weightStd = {Scales.QK_WEIGHT * unit, Scales.QK_WEIGHT * unit, unit};
        double[] biasStd = {Scales.QK_BIAS, Scales.QK_BIAS, Scales.V_BIAS};
        String prefix = "layers." + i + ".";
        int packed = widths[0] + widths[1] + widths[2];
        String w = weight(path + ".MatMul.weight", dims(spec.hidden(), packed), () -> new SideBySide(widths,
                j -> RandomValues.withStd(spec.seed(), prefix + modules[j] + ".weight", weightStd[j])));
        String b = weight(path + ".Add.bias", dims(packed), () -> new SideBySide(widths,
                j -> RandomValues.withStd(spec.seed(), prefix + modules[j] + ".bias", biasStd[j])));
        return g.op(nodeScope, "Add", b, g.op(nodeScope, "MatMul", h, w));
    }

    /** Rows made of consecutive runs from several streams: row = [a(widths[0]) | b(widths[1]) | ...]. */
    private static final class SideBySide implements WeightFile.Values {
        private final WeightFile.Values[] parts;
        private final int[] widths;
        private final float[][] pieces;
        private final float[] row;
        private int rowPosition;

        SideBySide(int[] widths, java.util.function.IntFunction<WeightFile.Values> part) {
            this.widths = widths;
            this.parts = new WeightFile.Values[widths.length];
            this.pieces = new float[widths.length][];
            int total = 0;
            for (int j = 0; j < widths.length; j++) {
                parts[j] = part.apply(j);
                pieces[j] = new float[widths[j]];
                total += widths[j];
            }
            this.row = new float[total];
            this.rowPosition = total; // empty: the first call fills a row
        }

        @Override
        public void next(float[] chunk, int count) {
            for (int filled = 0; filled < count; ) {
                if (rowPosition == row.length) {
                    int at = 0;
                    for (int j = 0; j < parts.length; j++) {
                        parts[j].next(pieces[j], widths[j]);
                        System.arraycopy(pieces[j], 0, row, at, widths[j]);
                        at += widths[j];
                    }
                    rowPosition = 0;
                }
                int n = Math.min(count - filled, row.length - rowPosition);
                System.arraycopy(row, rowPosition, chunk, filled, n);
                filled += n;
                rowPosition += n;
            }
        }
    }

    /** RMSNorm: x / √(mean(x²) + ε) · w over the last axis (HF Qwen2RMSNorm, ε = 1e-6); w near 1. */
    private String rmsNorm(String scope, String x) {
        String weightName = scope.substring(1).replace('/', '.') + ".weight"; // model.layers.0.input_layernorm.weight
        String key = weightName.substring("model.".length());
        String w = weight(weightName, dims(spec.hidden()),
                () -> new RandomValues(spec.seed(), key, 1.0, Scales.NORM_SPREAD));
        String square = g.op(scope, "Pow", x, scalar("const_" + ftTag + "_2", 2f));
        // ReduceMean takes its axes as an attribute up to opset 17, as an input from opset 18 on.
        String mean = spec.style().opset() >= 18
                ? g.node(scope, "ReduceMean", square, g.int64s(false, -1)).attr("keepdims", 1L).out()
                : g.node(scope, "ReduceMean", square).ints("axes", -1L).attr("keepdims", 1L).out();
        String eps = scalar("const_" + ftTag + "_eps", (float) SyntheticModelWriter.RMS_NORM_EPS);
        String rms = g.op(scope, "Sqrt", g.op(scope, "Add", mean, eps));
        return g.op(scope, "Mul", w, g.op(scope, "Div", x, rms));
    }

    /** SwiGLU: down( SiLU(gate(h)) ⊙ up(h) ), SiLU(a) = a·σ(a). */
    private String mlp(int i, String h) {
        String scope = MODEL + "/layers." + i + "/mlp";
        int inner = spec.intermediate();
        String gate = linear(i, scope, "gate_proj", h, spec.hidden(), inner, false); // (B, T, inner)
        String up = linear(i, scope, "up_proj", h, spec.hidden(), inner, false);
        String act = g.op(scope + "/act_fn", "Mul", gate, g.op(scope + "/act_fn", "Sigmoid", gate));
        return linear(i, scope, "down_proj", g.op(scope, "Mul", act, up), inner, spec.hidden(), false); // (B, T, D)
    }

    private Supplier<WeightFile.Values> random(String key, double std) {
        long seed = spec.seed();
        return () -> RandomValues.withStd(seed, key, std);
    }

    private static long[] dims(long... dims) {
        return dims;
    }
}
