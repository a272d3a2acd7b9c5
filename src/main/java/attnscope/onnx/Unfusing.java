package attnscope.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import attnscope.InputException;
import java.util.List;
import java.util.Set;

/**
 * Rewrites fused attention ops that cannot return their weights as the ordinary ops they stand for,
 * in the hooked graph only (the untouched graph keeps the fused op, and the logits check compares the
 * two). Today: {@code com.microsoft:Attention} (ONNX Runtime's optimizer, GPT-2/BERT-like models),
 * which projects Q, K and V inside and allows only two outputs:
 *
 * <pre>
 *   qkv = x·W + b                                   (B, T, 3·H·d), columns q | k | v
 *   q, k, v = split(qkv) → (B, H, T, d)
 *   scores = q·kᵀ · scale (+ causal mask if unidirectional) (+ (1 − mask_index)·mask_filter_value)
 *   out = softmax(scores)·v → (B, T, H·d)
 * </pre>
 *
 * What cannot be rewritten faithfully is refused with the attribute or input named: a past cache,
 * attention_bias, rotary inside the op, unequal qkv_hidden_sizes, a mask_index that is not the raw
 * (B, T) attention_mask, a present output the graph uses.
 */
public final class Unfusing {
    /** com.microsoft:Attention attributes the rewrite understands. */
    private static final Set<String> KNOWN = Set.of("num_heads", "unidirectional", "scale", "mask_filter_value", "qkv_hidden_sizes",
            "do_rotary", "past_present_share_buffer");
    /** ONNX Runtime's default for masked positions in com.microsoft:Attention. */
    private static final float DEFAULT_MASK_FILTER = -10000f;
    /** The style of a site found in a rewritten com.microsoft:Attention. */
    public static final String UNFUSED_STYLE = "unfused com.microsoft:Attention";
    static final String PREFIX = "attnscope/unfused/";

    private Unfusing() {
    }

    static boolean isMicrosoftAttention(NodeProto n) {
        return n.getOpType().equals("Attention") && n.getDomain().equals("com.microsoft");
    }

    /** The graph with every com.microsoft:Attention rewritten; {@code graph} itself when it has none. */
    public static OnnxGraph unfuse(OnnxGraph graph) {
        if (graph.nodes().stream().noneMatch(Unfusing::isMicrosoftAttention)) {
            return graph;
        }
        ModelProto.Builder m = graph.model().toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        g.clearNode();
        int layer = 0;
        for (NodeProto n : graph.nodes()) {
            if (isMicrosoftAttention(n)) {
                new Rewrite(graph, g, n, layer++).emit();
            } else {
                g.addNode(n);
            }
        }
        return new OnnxGraph(m.build());
    }

    /** GroupQueryAttention attributes the rewrite understands (any other, a quantized KV cache's say, is refused by name). */
    private static final Set<String> KNOWN_GQA = Set.of("num_heads", "kv_num_heads", "scale", "softcap", "local_window_size",
            "do_rotary", "rotary_interleaved", "smooth_softmax", "qk_output");
    /** GroupQueryAttention's inputs by position, to name the one refused. */
    private static final String[] GQA_INPUTS = {"query", "key", "value", "past_key", "past_value", "seqlens_k",
        "total_sequence_length", "cos_cache", "sin_cache", "position_ids", "attention_bias", "head_sink"};

    /**
     * A fused op written out as ordinary ops beside it, in float32, reading the op's own inputs: the
     * op keeps computing the model (the hooked graph's path to the logits is the untouched graph's),
     * and the copy's output is compared with the op's (check "pattern.twin").
     *
     * @param nodes   the ordinary ops, in topological order
     * @param pattern the copy's Softmax output (B, H, T, T)
     * @param output  the copy's attention output, laid out as the op's output 0
     */
    public record Twin(List<NodeProto> nodes, String pattern, String output) {
    }

    /**
     * com.microsoft:GroupQueryAttention as ordinary ops, for a prompt without past (how attnscope runs):
     *
     * <pre>
     *   q (B, T, H·d), k, v (B, T, Hkv·d)         (or sliced from packed QKV)
     *   q, k ← rotary(·, cos_cache[0..T), sin_cache[0..T))   if do_rotary (half rotation, rotary_dim = 2·cos_cache.dim(1))
     *   k, v ← each key/value head repeated to its H/Hkv query heads  (B, H, T, d)
     *   scores = q·kᵀ · scale (1/√d when 0)  (softcap·tanh(scores/softcap) when softcap ≠ 0)
     *   scores ← lowest float where key s &gt; query t or s &gt; seqlens_k[b]   (causal and padding)
     *   pattern = softmax(scores); out = pattern·v → (B, T, H·d)
     * </pre>
     *
     * Refused, naming it: an attribute it does not know (a quantized KV cache), local_window_size,
     * smooth_softmax, interleaved rotary, a past computed in the graph, position_ids, attention_bias,
     * head_sink.
     */
    public static Twin groupQueryTwin(OnnxGraph graph, NodeProto n, int layer) {
        java.util.function.Function<String, InputException> refuse = refusal("GroupQueryAttention " + NativePatterns.nodeName(n), "output_qk");
        for (AttributeProto a : n.getAttributeList()) {
            if (!KNOWN_GQA.contains(a.getName())) {
                throw refuse.apply("has attribute " + a.getName() + ", which attnscope does not know");
            }
        }
        if (OnnxGraph.intAttribute(n, "local_window_size", -1) != -1) {
            throw refuse.apply("has local_window_size " + OnnxGraph.intAttribute(n, "local_window_size", -1) + " (sliding window)");
        }
        if (OnnxGraph.intAttribute(n, "smooth_softmax", 0) != 0) {
            throw refuse.apply("has smooth_softmax = 1");
        }
        boolean rotary = OnnxGraph.intAttribute(n, "do_rotary", 0) == 1;
        if (rotary && OnnxGraph.intAttribute(n, "rotary_interleaved", 0) != 0) {
            throw refuse.apply("has rotary_interleaved = 1");
        }
        for (int i = 3; i <= 4; i++) {
            if (present(n, i) && !graph.isGraphInput(n.getInput(i))) {
                throw refuse.apply("reads input " + GQA_INPUTS[i] + " computed in the graph (" + n.getInput(i) + ")");
            }
        }
        for (int i = 9; i < n.getInputCount(); i++) {
            if (present(n, i)) {
                throw refuse.apply("has input " + (i < GQA_INPUTS.length ? GQA_INPUTS[i] : String.valueOf(i)));
            }
        }
        if (rotary && (!present(n, 7) || !present(n, 8))) {
            throw refuse.apply("rotates (do_rotary = 1) without cos_cache and sin_cache inputs");
        }
        if (!present(n, 5)) {
            throw refuse.apply("has no seqlens_k input");
        }
        long heads = OnnxGraph.intAttribute(n, "num_heads", 0);
        long kvHeads = OnnxGraph.intAttribute(n, "kv_num_heads", 0);
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw refuse.apply("has num_heads " + heads + " and kv_num_heads " + kvHeads + " (not a whole number of query heads per key/value head)");
        }
        OpWriter w = new OpWriter(PREFIX + "gqa." + layer + "/");
        String query = w.toFloat(n.getInput(0));
        String q;
        String k;
        String v;
        if (present(n, 1)) {
            q = query;
            k = w.toFloat(n.getInput(1));
            v = w.toFloat(n.getInput(2));
        } else { // packed (B, T, (H + 2·Hkv)·d): split in head units
            String perHead = w.op("Reshape", query, w.ints("packed_heads", 0, 0, heads + 2 * kvHeads, -1));
            q = w.op("Slice", perHead, w.ints("q_start", 0), w.ints("q_end", heads), w.ints("axis2", 2));
            k = w.op("Slice", perHead, w.ints("q_end", heads), w.ints("k_end", heads + kvHeads), w.ints("axis2", 2));
            v = w.op("Slice", perHead, w.ints("k_end", heads + kvHeads), w.ints("v_end", heads + 2 * kvHeads), w.ints("axis2", 2));
        }
        q = w.op("Reshape", q, w.ints("q_shape", 0, 0, heads, -1)); // (B, T, H, d)
        k = w.op("Reshape", k, w.ints("kv_shape", 0, 0, kvHeads, -1)); // (B, T, Hkv, d)
        v = w.op("Reshape", v, w.ints("kv_shape", 0, 0, kvHeads, -1));
        String length = w.op("Gather", w.op("Shape", q), w.ints("one", 1)); // [T]
        if (rotary) {
            String positions = w.op("Range", w.int64Scalar("zero", 0), w.op("Squeeze", length, w.ints("axis0", 0)), w.int64Scalar("step", 1));
            String cos = w.op("Unsqueeze", w.op("Gather", w.toFloat(n.getInput(7)), positions), w.ints("axes02", 0, 2)); // (1, T, 1, rd/2)
            String sin = w.op("Unsqueeze", w.op("Gather", w.toFloat(n.getInput(8)), positions), w.ints("axes02", 0, 2));
            String half = w.op("Gather", w.op("Shape", n.getInput(7)), w.ints("one", 1)); // [rd/2]
            q = rotateHalf(w, q, cos, sin, half);
            k = rotateHalf(w, k, cos, sin, half);
        }
        String qT = w.node("Transpose", q).perm(0, 2, 1, 3).out(); // (B, H, T, d)
        String kRep = repeatHeads(w, w.node("Transpose", k).perm(0, 2, 1, 3).out(), heads / kvHeads, qT); // (B, H, T, d)
        String vRep = repeatHeads(w, w.node("Transpose", v).perm(0, 2, 1, 3).out(), heads / kvHeads, qT);
        float scale = OnnxGraph.floatAttribute(n, "scale", 0f);
        String factor = scale != 0f ? w.floatScalar("scale", scale)
                : w.op("Reciprocal", w.op("Sqrt", w.toFloat(w.op("Gather", w.op("Shape", qT), w.ints("three", 3))))); // [1/√d]
        String scores = w.op("Mul", w.op("MatMul", qT, w.node("Transpose", kRep).perm(0, 1, 3, 2).out()), factor); // (B, H, T, T)
        float softcap = OnnxGraph.floatAttribute(n, "softcap", 0f);
        if (softcap != 0f) {
            String cap = w.floatScalar("softcap", softcap);
            scores = w.op("Mul", w.op("Tanh", w.op("Div", scores, cap)), cap);
        }
        // Masked: a key after the query (causal), or beyond the sequence's last valid key seqlens_k[b] (padding).
        String later = laterKeys(w, length); // (T, T)
        String keys = w.op("Range", w.int64Scalar("zero", 0), w.op("Squeeze", length, w.ints("axis0", 0)), w.int64Scalar("step", 1));
        String lastValid = w.op("Unsqueeze", w.node("Cast", n.getInput(5)).attr("to", ai.onnx.proto.OnnxMl.TensorProto.DataType.INT64_VALUE).out(),
                w.ints("axes123", 1, 2, 3)); // (B, 1, 1, 1)
        String padding = w.op("Greater", keys, lastValid); // (B, 1, 1, T)
        String masked = w.op("Or", later, padding); // (B, 1, T, T)
        scores = w.op("Where", masked, w.floatScalar("lowest", -Float.MAX_VALUE), scores);
        String pattern = w.node("Softmax", scores).attr("axis", -1).out();
        String z = w.node("Transpose", w.op("MatMul", pattern, vRep)).perm(0, 2, 1, 3).out(); // (B, T, H, d)
        String output = w.op("Reshape", z, w.ints("merge_heads", 0, 0, -1)); // (B, T, H·d)
        return new Twin(w.nodes(), pattern, output);
    }

    /** ONNX Attention (opset 23) attributes the rewrite understands. */
    private static final Set<String> KNOWN_ONNX_ATTENTION = Set.of("is_causal", "kv_num_heads", "q_num_heads",
            "qk_matmul_output_mode", "scale", "softcap", "softmax_precision");
    /** com.microsoft:MultiHeadAttention attributes the rewrite understands. */
    private static final Set<String> KNOWN_MHA = Set.of("num_heads", "mask_filter_value", "scale", "unidirectional");
    private static final Set<String> BOOLEAN_OPS = Set.of("Greater", "Less", "Equal", "GreaterOrEqual", "LessOrEqual", "Not",
            "And", "Or", "Xor", "IsNaN", "IsInf");

    /**
     * The standard ONNX Attention (opset 23) as ordinary ops, for a prompt without past:
     * <pre>
     *   q (B, H, T, d), k, v (B, Hkv, S, d)   (or (B, T, heads·d) with q_num_heads / kv_num_heads)
     *   k, v ← each key/value head repeated to its H/Hkv query heads
     *   scores = q·kᵀ · scale (1/√d when absent)
     *   scores ← scores + attn_mask (float), or lowest float where attn_mask is false (bool)
     *   scores ← lowest float where key s &gt; query t           (is_causal = 1)
     *   pattern = softmax(scores); Y = pattern·v, in Q's layout
     * </pre>
     * Refused, naming it: softcap, nonpad_kv_seqlen, a past computed in the graph, an unknown attribute.
     */
    public static Twin onnxAttentionTwin(OnnxGraph graph, NodeProto n, int layer) {
        java.util.function.Function<String, InputException> refuse = refusal("Attention " + NativePatterns.nodeName(n), "qk_matmul_output");
        for (AttributeProto a : n.getAttributeList()) {
            if (!KNOWN_ONNX_ATTENTION.contains(a.getName())) {
                throw refuse.apply("has attribute " + a.getName() + ", which attnscope does not know");
            }
        }
        if (OnnxGraph.floatAttribute(n, "softcap", 0f) != 0f) {
            throw refuse.apply("has softcap " + OnnxGraph.floatAttribute(n, "softcap", 0f));
        }
        requireEmptyPast(graph, n, 4, 5, refuse);
        for (int i = 6; i < n.getInputCount(); i++) {
            if (present(n, i)) {
                throw refuse.apply("has input " + (i == 6 ? "nonpad_kv_seqlen" : String.valueOf(i)));
            }
        }
        long qHeads = OnnxGraph.intAttribute(n, "q_num_heads", 0);
        long kvHeads = OnnxGraph.intAttribute(n, "kv_num_heads", 0);
        boolean packed = qHeads > 0; // (B, T, heads·d)
        OpWriter w = new OpWriter(PREFIX + "attention." + layer + "/");
        String q = w.toFloat(n.getInput(0));
        String k = w.toFloat(n.getInput(1));
        String v = w.toFloat(n.getInput(2));
        if (packed) {
            q = splitHeads(w, q, qHeads, "q_shape");
            k = splitHeads(w, k, kvHeads, "kv_shape");
            v = splitHeads(w, v, kvHeads, "kv_shape");
        }
        String scores = scaledScores(w, q, repeatHeads(w, k, q), OnnxGraph.floatAttribute(n, "scale", 0f));
        if (present(n, 3)) {
            scores = isBoolean(graph, n.getInput(3))
                    ? w.op("Where", n.getInput(3), scores, w.floatScalar("lowest", -Float.MAX_VALUE))
                    : w.op("Add", scores, w.toFloat(n.getInput(3)));
        }
        if (OnnxGraph.intAttribute(n, "is_causal", 0) == 1) {
            scores = w.op("Where", laterKeys(w, w.op("Gather", w.op("Shape", q), w.ints("two", 2))), w.floatScalar("lowest", -Float.MAX_VALUE), scores);
        }
        String pattern = w.node("Softmax", scores).attr("axis", -1).out();
        String y = w.op("MatMul", pattern, repeatHeads(w, v, q)); // (B, H, T, d)
        String output = packed ? w.op("Reshape", w.node("Transpose", y).perm(0, 2, 1, 3).out(), w.ints("merge_heads", 0, 0, -1)) : y;
        return new Twin(w.nodes(), pattern, output);
    }

    /**
     * com.microsoft:MultiHeadAttention as ordinary ops, for a prompt without past: query (B, T, H·d), key
     * and value (B, T, H·d) or (B, H, S, d); scores = q·kᵀ·scale (+ attention_bias) (lowest float where key
     * s &gt; query t when unidirectional); pattern = softmax; output (B, T, H·d). Refused, naming it: bias,
     * key_padding_mask, cache_indirection and later inputs, a past computed in the graph, a key whose
     * rank the graph does not tell, an unknown attribute.
     */
    public static Twin multiHeadTwin(OnnxGraph graph, NodeProto n, int layer) {
        java.util.function.Function<String, InputException> refuse = refusal("MultiHeadAttention " + NativePatterns.nodeName(n), "qk");
        for (AttributeProto a : n.getAttributeList()) {
            if (!KNOWN_MHA.contains(a.getName())) {
                throw refuse.apply("has attribute " + a.getName() + ", which attnscope does not know");
            }
        }
        String[] names = {"query", "key", "value", "bias", "key_padding_mask", "attention_bias", "past_key", "past_value",
            "past_sequence_length", "cache_indirection"};
        for (int i : new int[] {3, 4}) {
            if (present(n, i)) {
                throw refuse.apply("has input " + names[i]);
            }
        }
        requireEmptyPast(graph, n, 6, 7, refuse);
        for (int i = 8; i < n.getInputCount(); i++) {
            if (present(n, i)) {
                throw refuse.apply("has input " + (i < names.length ? names[i] : String.valueOf(i)));
            }
        }
        long heads = OnnxGraph.intAttribute(n, "num_heads", 0);
        OpWriter w = new OpWriter(PREFIX + "mha." + layer + "/");
        String q = splitHeads(w, w.toFloat(n.getInput(0)), heads, "q_shape");
        String[] kv = new String[2];
        for (int j = 0; j < 2; j++) {
            String in = n.getInput(1 + j);
            int rank = rank(graph, in);
            if (rank != 3 && rank != 4) {
                throw refuse.apply("takes " + names[1 + j] + " " + in + " in a layout attnscope cannot tell (3-D or 4-D)");
            }
            kv[j] = rank == 4 ? w.toFloat(in) : splitHeads(w, w.toFloat(in), heads, "q_shape");
        }
        String scores = scaledScores(w, q, kv[0], OnnxGraph.floatAttribute(n, "scale", 0f));
        if (present(n, 5)) {
            scores = w.op("Add", scores, w.toFloat(n.getInput(5)));
        }
        if (OnnxGraph.intAttribute(n, "unidirectional", 0) == 1) {
            scores = w.op("Where", laterKeys(w, w.op("Gather", w.op("Shape", q), w.ints("two", 2))), w.floatScalar("lowest", -Float.MAX_VALUE), scores);
        }
        String pattern = w.node("Softmax", scores).attr("axis", -1).out();
        String z = w.node("Transpose", w.op("MatMul", pattern, kv[1])).perm(0, 2, 1, 3).out(); // (B, T, H, d)
        String output = w.op("Reshape", z, w.ints("merge_heads", 0, 0, -1)); // (B, T, H·d)
        return new Twin(w.nodes(), pattern, output);
    }

    private static java.util.function.Function<String, InputException> refusal(String what, String output) {
        return reason -> new InputException(what + " " + reason + ": its weights output (" + output + ") is not available, and "
                + "attnscope cannot rewrite it as ordinary ops faithfully; re-export the model without attention fusion");
    }

    /** Past inputs must be graph inputs, which attnscope feeds empty: then keys and values are the node's own. */
    private static void requireEmptyPast(OnnxGraph graph, NodeProto n, int key, int value,
            java.util.function.Function<String, InputException> refuse) {
        for (int i : new int[] {key, value}) {
            if (present(n, i) && !graph.isGraphInput(n.getInput(i))) {
                throw refuse.apply("reads a past cache computed in the graph (" + n.getInput(i) + ")");
            }
        }
    }

    /** (B, T, heads·d) → (B, heads, T, d). */
    private static String splitHeads(OpWriter w, String x, long heads, String shapeName) {
        return w.node("Transpose", w.op("Reshape", x, w.ints(shapeName, 0, 0, heads, -1))).perm(0, 2, 1, 3).out();
    }

    /** q·kᵀ·scale, (B, H, T, S); scale 0 means 1/√d, d read from q's shape. */
    private static String scaledScores(OpWriter w, String q, String k, float scale) {
        String factor = scale != 0f ? w.floatScalar("scale", scale)
                : w.op("Reciprocal", w.op("Sqrt", w.toFloat(w.op("Gather", w.op("Shape", q), w.ints("three", 3))))); // [1/√d]
        return w.op("Mul", w.op("MatMul", q, w.node("Transpose", k).perm(0, 1, 3, 2).out()), factor);
    }

    /**
     * (B, Hkv, S, d) → (B, H, S, d), H taken from {@code q} (B, H, T, d): query head h reads key/value
     * head h / (H/Hkv); unchanged in effect when Hkv = H.
     */
    private static String repeatHeads(OpWriter w, String kv, String q) {
        String kvShape = w.op("Shape", kv);
        String group = w.op("Div", w.op("Gather", w.op("Shape", q), w.ints("one", 1)), w.op("Gather", kvShape, w.ints("one", 1))); // [H/Hkv]
        String expandTo = w.node("Concat", w.ints("ones2", 1, 1), group, w.ints("ones2", 1, 1)).attr("axis", 0).out(); // [1, 1, G, 1, 1]
        String expanded = w.op("Expand", w.op("Unsqueeze", kv, w.ints("axis2", 2)), expandTo); // (B, Hkv, G, S, d)
        String target = w.node("Concat", w.op("Gather", w.op("Shape", q), w.ints("b_h", 0, 1)), w.op("Gather", kvShape, w.ints("s_d", 2, 3)))
                .attr("axis", 0).out(); // [B, H, S, d]
        return w.op("Reshape", expanded, target);
    }

    /** Whether a mask tensor is boolean: a graph input or Cast that says so, or the output of a comparison or logic op. */
    private static boolean isBoolean(OnnxGraph graph, String tensor) {
        NodeProto p = graph.producer(tensor);
        if (p != null && BOOLEAN_OPS.contains(p.getOpType())) {
            return true;
        }
        if (p != null && p.getOpType().equals("Where")) {
            return isBoolean(graph, p.getInput(1));
        }
        if (p != null && !p.getOpType().equals("Cast") && !p.getOpType().equals("Constant")
                && !(p.getOpType().equals("Identity") || p.getOpType().equals("Expand") || p.getOpType().equals("Reshape")
                        || p.getOpType().equals("Unsqueeze"))) {
            return false;
        }
        return graph.elementType(tensor) == ai.onnx.proto.OnnxMl.TensorProto.DataType.BOOL_VALUE;
    }

    /** A tensor's rank where the graph tells it: a Transpose's perm, a Reshape to a constant shape, an Unsqueeze'd Expand; else −1. */
    private static int rank(OnnxGraph graph, String tensor) {
        NodeProto p = graph.producer(tensor);
        if (p == null) {
            return graph.declaredRank(tensor);
        }
        return switch (p.getOpType()) {
            case "Transpose" -> OnnxGraph.intsAttribute(p, "perm").size();
            case "Reshape" -> graph.int64Count(p.getInput(1));
            case "Cast", "Identity" -> rank(graph, p.getInput(0));
            default -> graph.declaredRank(tensor); // a present.N.key output, say
        };
    }

    /** Rotary, half rotation, on (B, T, heads, d) with cos, sin (1, T, 1, rd/2): the first rd dims rotate, the rest pass. */
    private static String rotateHalf(OpWriter w, String x, String cos, String sin, String half) {
        String axis = w.ints("axis3", 3);
        String twice = w.op("Add", half, half);
        String x1 = w.op("Slice", x, w.ints("start0", 0), half, axis);
        String x2 = w.op("Slice", x, half, twice, axis);
        String rest = w.op("Slice", x, twice, w.ints("to_end", Long.MAX_VALUE), axis);
        String r1 = w.op("Sub", w.op("Mul", x1, cos), w.op("Mul", x2, sin));
        String r2 = w.op("Add", w.op("Mul", x2, cos), w.op("Mul", x1, sin));
        return w.node("Concat", r1, r2, rest).attr("axis", 3).out();
    }

    /** (B, Hkv, T, d) → (B, H, T, d): query head h reads key/value head h / group (shaped like {@code like}). */
    private static String repeatHeads(OpWriter w, String kv, long group, String like) {
        String expanded = w.op("Expand", w.op("Unsqueeze", kv, w.ints("axis2", 2)), w.ints("group", 1, 1, group, 1, 1)); // (B, Hkv, G, T, d)
        return w.op("Reshape", expanded, w.op("Shape", like));
    }

    private static boolean present(NodeProto n, int input) {
        return n.getInputCount() > input && !n.getInput(input).isEmpty();
    }

    /** One node's rewrite: adds ordinary nodes and their constants to {@code g}. */
    private static final class Rewrite {
        private final OnnxGraph graph;
        private final GraphProto.Builder g;
        private final NodeProto n;
        private final OpWriter w;

        Rewrite(OnnxGraph graph, GraphProto.Builder g, NodeProto n, int layer) {
            this.graph = graph;
            this.g = g;
            this.n = n;
            this.w = new OpWriter(PREFIX + layer + "/");
        }

        private InputException refuse(String what) {
            return new InputException("com.microsoft:Attention " + NativePatterns.nodeName(n) + " " + what
                    + ": attnscope cannot rewrite it as ordinary ops faithfully, and the op cannot return its weights; "
                    + "re-export the model without attention fusion");
        }

        void emit() {
            for (AttributeProto a : n.getAttributeList()) {
                if (!KNOWN.contains(a.getName())) {
                    throw refuse("has attribute " + a.getName() + ", which attnscope does not know");
                }
            }
            if (OnnxGraph.intAttribute(n, "do_rotary", 0) != 0) {
                throw refuse("applies rotary inside (do_rotary = 1)");
            }
            if (OnnxGraph.intAttribute(n, "past_present_share_buffer", 0) != 0) {
                throw refuse("shares its past and present buffers (past_present_share_buffer = 1)");
            }
            String[] optional = {null, null, null, null, "past", "attention_bias", "past_sequence_length"};
            for (int i = 4; i < n.getInputCount(); i++) {
                if (!n.getInput(i).isEmpty()) {
                    throw refuse("has input " + i + " (" + (i < optional.length ? optional[i] : "unknown") + ")");
                }
            }
            if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()
                    && (graph.isGraphOutput(n.getOutput(1)) || !graph.consumers(n.getOutput(1)).isEmpty())) {
                throw refuse("returns a present cache (output 1) that the graph uses");
            }
            long heads = OnnxGraph.intAttribute(n, "num_heads", 0);
            long[] wDims = graph.initializerDims(n.getInput(1));
            if (wDims == null || wDims.length != 2 || heads <= 0) {
                throw refuse("has weights " + n.getInput(1) + " that are not a (D, 3·H·d) initializer, or no num_heads");
            }
            List<Long> sizes = OnnxGraph.intsAttribute(n, "qkv_hidden_sizes");
            if (!sizes.isEmpty() && (sizes.size() != 3 || !sizes.get(0).equals(sizes.get(1)) || !sizes.get(1).equals(sizes.get(2)))) {
                throw refuse("has qkv_hidden_sizes " + sizes + " (unequal Q, K, V widths)");
            }
            long width = wDims[1] / 3; // H·d
            long d = width / heads;
            float scale = OnnxGraph.floatAttribute(n, "scale", 0f);
            float filter = OnnxGraph.floatAttribute(n, "mask_filter_value", DEFAULT_MASK_FILTER);

            String qkv = w.op("MatMul", n.getInput(0), n.getInput(1)); // (B, T, 3·H·d)
            if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
                qkv = w.op("Add", qkv, n.getInput(2));
            }
            String[] heads4 = new String[3]; // q, k, v as (B, H, T, d)
            for (int j = 0; j < 3; j++) {
                String part = w.op("Slice", qkv, w.ints("start" + j, j * width), w.ints("end" + j, (j + 1) * width), w.ints("axis", 2));
                String split = w.op("Reshape", part, w.ints("heads_shape", 0, 0, heads, d)); // (B, T, H, d)
                heads4[j] = w.node("Transpose", split).perm(0, 2, 1, 3).out();
            }
            String kT = w.node("Transpose", heads4[1]).perm(0, 1, 3, 2).out(); // (B, H, d, T)
            String scores = w.op("Mul", w.op("MatMul", heads4[0], kT),
                    w.floatScalar("scale", scale == 0f ? (float) (1 / Math.sqrt(d)) : scale));
            if (OnnxGraph.intAttribute(n, "unidirectional", 0) == 1) {
                scores = w.op("Add", scores, causalBias(n.getInput(0), filter)); // (T, T) broadcast
            }
            if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
                scores = w.op("Add", scores, paddingBias(n.getInput(3), filter)); // (B, 1, 1, T)
            }
            String softmax = w.node("Softmax", scores).attr("axis", -1).out();
            String z = w.op("MatMul", softmax, heads4[2]); // (B, H, T, d)
            String zT = w.node("Transpose", z).perm(0, 2, 1, 3).out(); // (B, T, H, d)
            OpWriter.Node concat = w.node("Reshape", zT, w.ints("concat_shape", 0, 0, width)); // (B, T, H·d)
            concat.proto.setOutput(0, n.getOutput(0));
            g.addAllNode(w.nodes());
        }

        /** (T, T): mask_filter_value where key s lies after query t, 0 elsewhere; T from the input's shape. */
        private String causalBias(String input, float filter) {
            String later = laterKeys(w, w.op("Gather", w.op("Shape", input), w.ints("one", 1))); // (T, T) bool
            return w.op("Where", later, w.floatScalar("filter", filter), w.floatScalar("zero_f", 0f));
        }

        /**
         * (B, 1, 1, T): (1 − mask)·mask_filter_value, for a raw key mask (B, T) of ones and zeros — the only
         * mask_index format read here: it must come from the graph's attention_mask input.
         */
        private String paddingBias(String maskIndex, float filter) {
            String source = maskIndex;
            for (int steps = 0; steps < 4 && graph.producer(source) != null && graph.producer(source).getOpType().equals("Cast"); steps++) {
                source = graph.producer(source).getInput(0);
            }
            if (!source.equals("attention_mask") || !graph.isGraphInput(source)) {
                throw refuse("takes mask_index " + maskIndex + " in a format attnscope does not read (only the raw (B, T) "
                        + "attention_mask input, possibly cast)");
            }
            String blocked = w.op("Sub", w.floatScalar("one_f", 1f), w.toFloat(maskIndex));
            return w.op("Unsqueeze", w.op("Mul", blocked, w.floatScalar("filter", filter)), w.ints("axes12", 1, 2));
        }
    }

    /** (T, T) bool, true where key s lies after query t; {@code length} is [T] (int64, 1-D). */
    static String laterKeys(OpWriter w, String length) {
        String range = w.op("Range", w.int64Scalar("zero", 0), w.op("Squeeze", length, w.ints("axis0", 0)), w.int64Scalar("step", 1));
        String queries = w.op("Unsqueeze", range, w.ints("axis1", 1)); // (T, 1)
        String keys = w.op("Unsqueeze", range, w.ints("axis0", 0)); // (1, T)
        return w.op("Greater", keys, queries);
    }
}
