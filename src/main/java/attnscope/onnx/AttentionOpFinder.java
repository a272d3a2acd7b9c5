package attnscope.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import attnscope.InputException;
import attnscope.onnx.AttentionSite.Tap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds attention computed by one op after ordinary projections and rotary:
 * <ul>
 * <li>the standard ONNX {@code Attention} (opset 23; torch's dynamo exporter): Q (B, H, T, d), K and V
 *     (B, Hkv, T, d) — or (B, T, heads·d) with q_num_heads / kv_num_heads —, attn_mask, is_causal;
 *     output Y in Q's layout. It groups query heads itself.</li>
 * <li>{@code com.microsoft:MultiHeadAttention} (ONNX Runtime's transformer optimizer): query (B, T, H·d),
 *     key and value (B, T, H·d) or (B, H, T, d), attention_bias / key_padding_mask; output (B, T, H·d).
 *     It takes as many key/value heads as query heads, so grouped-query models repeat K and V before
 *     it: the keys read are the un-repeated ones (present.N.key, or the input of the repeat) wherever
 *     the graph has them, so the reported grouping is the model's.</li>
 * </ul>
 * Q, K and V are read at the op's inputs (after rotary, which these graphs apply in ordinary ops);
 * the pattern is asked of the op itself (see {@link NativePatterns}).
 */
final class AttentionOpFinder {
    static final String ONNX_ATTENTION = "onnx-attention";
    static final String MULTI_HEAD = "mha";

    private final OnnxGraph graph;
    private final DecomposedAttentionFinder operands;

    AttentionOpFinder(OnnxGraph graph) {
        this.graph = graph;
        this.operands = new DecomposedAttentionFinder(graph);
    }

    /** The standard ONNX Attention op (default domain). */
    static boolean isOnnxAttention(NodeProto n) {
        return n.getOpType().equals("Attention") && (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"));
    }

    static boolean isMultiHeadAttention(NodeProto n) {
        return n.getOpType().equals("MultiHeadAttention") && n.getDomain().equals("com.microsoft");
    }

    List<AttentionSite> find() {
        List<AttentionSite> sites = new ArrayList<>();
        for (NodeProto n : graph.nodes()) {
            if (isOnnxAttention(n)) {
                sites.add(onnxAttention(n, sites.size()));
            } else if (isMultiHeadAttention(n)) {
                sites.add(multiHead(n, sites.size()));
            }
        }
        return sites;
    }

    private AttentionSite onnxAttention(NodeProto n, int layer) {
        long qHeads = OnnxGraph.intAttribute(n, "q_num_heads", 0);
        long kvHeads = OnnxGraph.intAttribute(n, "kv_num_heads", 0);
        boolean packed = qHeads > 0; // 3-D inputs (B, T, heads·d) name their head counts
        requireNoPast(n, 4, 5, "past_key/past_value");
        Tap q = packed ? new Tap(n.getInput(0), new HeadLayout.Packed(0, (int) qHeads, (int) qHeads)) : fourD(n.getInput(0));
        Tap k = packed ? new Tap(n.getInput(1), new HeadLayout.Packed(0, (int) kvHeads, (int) kvHeads)) : keys(n.getInput(1));
        Tap v = packed ? new Tap(n.getInput(2), new HeadLayout.Packed(0, (int) kvHeads, (int) kvHeads)) : keys(n.getInput(2));
        boolean masked = present(n, 3) || OnnxGraph.intAttribute(n, "is_causal", 0) == 1;
        Tap zAtOp = new Tap(n.getOutput(0), packed ? HeadLayout.Packed.allQueryHeads() : HeadLayout.Split.identity());
        return site(n, layer, ONNX_ATTENTION, q, k, v, zAtOp, masked);
    }

    private AttentionSite multiHead(NodeProto n, int layer) {
        int heads = (int) OnnxGraph.intAttribute(n, "num_heads", 0);
        if (!present(n, 1) || !present(n, 2)) {
            throw new InputException("layer " + layer + ": MultiHeadAttention " + NativePatterns.nodeName(n)
                    + " takes Q, K and V packed in one input (key and value empty), which attnscope cannot split yet");
        }
        requireNoPast(n, 6, 7, "past_key/past_value");
        Tap q = new Tap(n.getInput(0), new HeadLayout.Packed(0, heads, heads)); // (B, T, H·d)
        Tap k = keysOrPacked(n.getInput(1), heads);
        Tap v = keysOrPacked(n.getInput(2), heads);
        boolean masked = present(n, 4) || present(n, 5) || OnnxGraph.intAttribute(n, "unidirectional", 0) == 1;
        return site(n, layer, MULTI_HEAD, q, k, v, new Tap(n.getOutput(0), HeadLayout.Packed.allQueryHeads()), masked);
    }

    private AttentionSite site(NodeProto n, int layer, String style, Tap q, Tap k, Tap v, Tap zAtOp, boolean masked) {
        float scale = OnnxGraph.floatAttribute(n, "scale", 0f);
        Tap z = ProjectionInput.find(graph, n.getOutput(0)).orElse(zAtOp);
        return new AttentionSite(layer, style, NativePatterns.nodeName(n), q, k, v, Optional.empty(), z,
                operands.beforeRotary(q), operands.beforeRotary(k), false, scale == 0f ? Double.NaN : scale, masked);
    }

    /** A (B, heads, T, d) input, read where its values are (through casts and transposes). */
    private Tap fourD(String tensor) {
        return operands.traceOperand(tensor, new int[] {0, 1, 2, 3}).tap();
    }

    /** Keys or values (B, heads, T, d), before any repeat to the query heads where the graph has them. */
    private Tap keys(String tensor) {
        return operands.keptHeads(operands.traceOperand(tensor, new int[] {0, 1, 2, 3}));
    }

    /**
     * MultiHeadAttention's key or value: (B, H, T, d) when a 4-D tensor reaches it (then the
     * un-repeated keys where the graph has them), else (B, T, H·d).
     */
    private Tap keysOrPacked(String tensor, int heads) {
        Tap kept = keys(tensor);
        if (!kept.tensor().equals(tensor) || rank(tensor) == 4) {
            return kept;
        }
        return new Tap(tensor, new HeadLayout.Packed(0, heads, heads));
    }

    /** The rank of a tensor where the graph tells it (a declared shape, a Reshape to a constant shape, a Transpose); else −1. */
    private int rank(String tensor) {
        return rank(tensor, 12);
    }

    /**
     * As {@link #rank(String)}, looking through ops that keep their input's rank: without grouped
     * heads to repeat (H = Hkv) the keys reach MultiHeadAttention straight from the rotary embedding
     * (Mul, Add, Neg, Slice, Concat of the (B, H, T, d) keys), and were taken for (B, T, H·d).
     */
    private int rank(String tensor, int depth) {
        NodeProto p = graph.producer(tensor);
        if (p == null || depth == 0) {
            return -1;
        }
        return switch (p.getOpType()) {
            case "Transpose" -> OnnxGraph.intsAttribute(p, "perm").size();
            case "Reshape" -> graph.int64Count(p.getInput(1));
            case "Add", "Sub", "Mul", "Div", "Neg", "Cast", "Identity", "Slice", "Concat" -> {
                for (String in : p.getInputList()) {
                    int r = in.isEmpty() ? -1 : rank(in, depth - 1);
                    if (r >= 0) {
                        yield r;
                    }
                }
                yield -1;
            }
            default -> -1;
        };
    }

    private static boolean present(NodeProto n, int input) {
        return n.getInputCount() > input && !n.getInput(input).isEmpty();
    }

    /** A cache input must be an empty graph input (attnscope runs without past); anything else is not read faithfully. */
    private void requireNoPast(NodeProto n, int keyInput, int valueInput, String what) {
        for (int i : new int[] {keyInput, valueInput}) {
            if (present(n, i) && !graph.isGraphInput(n.getInput(i))) {
                throw new InputException(n.getOpType() + " " + NativePatterns.nodeName(n) + " reads a " + what
                        + " cache computed in the graph (" + n.getInput(i) + "), which attnscope cannot fill empty");
            }
        }
    }
}
