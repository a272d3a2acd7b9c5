package attnscope.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import attnscope.onnx.AttentionSite.Tap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fused attention ops that can return their attention weights when asked: the pattern then comes
 * from ONNX Runtime itself, not only from attnscope's reference.
 *
 * <ul>
 * <li>{@code com.microsoft:GroupQueryAttention}: output 3 {@code output_qk} with {@code qk_output = 2}
 *     (after softmax), (B, H, T, T).</li>
 * <li>ONNX {@code Attention} (opset 23): output 3 {@code qk_matmul_output} with
 *     {@code qk_matmul_output_mode = 3}: the softmax weights (modes 0–2 are scores before it).</li>
 * <li>{@code com.microsoft:MultiHeadAttention}: output 3 {@code qk}, scale·Q·Kᵀ + bias/mask before
 *     softmax; a Softmax node added after it gives the weights.</li>
 * </ul>
 *
 * Each added output is declared with the node's own element type: ONNX Runtime refuses a FLOAT
 * declaration on a FLOAT16 node (onnxruntime-genai's fp16 builds).
 *
 * <p>The op asked is a copy placed beside the one the model runs (see {@link Copy}); where the op's
 * own output is refused, the copy is the op rewritten as ordinary ops ({@link Unfusing}).
 */
public final class NativePatterns {
    private NativePatterns() {
    }

    /**
     * The sites with their pattern taps filled in where the op can return it, the graph edits that
     * make it do so, and per layer a description of where the pattern comes from.
     *
     * @param how per captured layer with a native pattern (others are absent, their site unchanged)
     */
    public record Plan(List<AttentionSite> sites, HookEdits edits, Map<Integer, Output> how, Map<Integer, Copy> copies) {
        public Plan(List<AttentionSite> sites, HookEdits edits, Map<Integer, Output> how) {
            this(sites, edits, how, Map.of());
        }

        public boolean isEmpty() {
            return how.isEmpty();
        }
    }

    /**
     * A captured layer whose pattern comes from a copy of its fused op placed beside it (the op itself,
     * asked for its weights, or its rewrite as ordinary ops): the op keeps computing the model, so the
     * hooked graph's path to the logits is the untouched graph's; the two outputs are compared.
     *
     * @param modelOutput the op's output 0, which the model goes on with
     * @param copyOutput  the copy's output 0, in the same layout
     */
    public record Copy(String modelOutput, String copyOutput) {
    }

    /**
     * One layer's native pattern output.
     *
     * @param kind   the same for every layer: "GroupQueryAttention output_qk (qk_output = 2)"
     * @param detail with the node's name
     */
    public record Output(String kind, String detail) {
    }

    public static Plan plan(OnnxGraph graph, List<AttentionSite> sites) {
        return plan(graph, sites, null);
    }

    /**
     * As {@link #plan(OnnxGraph, List)}, but with {@code refused} non-null (why the op's own weights
     * output is not used: "ONNX Runtime refused it: …") the fused ops are rewritten as ordinary ops instead
     * (GroupQueryAttention, ONNX Attention, MultiHeadAttention; see {@link Unfusing}).
     *
     * @throws attnscope.InputException naming the attribute or input of an op that cannot be rewritten
     *         faithfully
     */
    public static Plan plan(OnnxGraph graph, List<AttentionSite> sites, String refused) {
        Map<String, NodeProto> byName = new java.util.HashMap<>();
        for (NodeProto n : graph.nodes()) {
            if (n.getOutputCount() > 0) {
                byName.putIfAbsent(nodeName(n), n);
            }
        }
        HookEdits.Builder edits = new HookEdits.Builder();
        Map<Integer, Output> how = new LinkedHashMap<>();
        Map<Integer, Copy> copies = new LinkedHashMap<>();
        List<AttentionSite> out = new ArrayList<>();
        for (AttentionSite s : sites) {
            NodeProto node = byName.get(s.node());
            if (s.pattern().isPresent() || node == null) {
                out.add(s);
                continue;
            }
            int layer = s.layer();
            int type = graph.elementType(node.getInput(0));
            String name;
            String kind;
            String detail;
            String copyOutput;
            if (refused != null) {
                Unfusing.Twin twin;
                String op;
                String nativeOutput;
                if (node.getOpType().equals(GroupQueryAttentionFinder.OP)) {
                    twin = Unfusing.groupQueryTwin(graph, node, layer);
                    op = "GroupQueryAttention";
                    nativeOutput = "output_qk";
                } else if (AttentionOpFinder.isOnnxAttention(node)) {
                    twin = Unfusing.onnxAttentionTwin(graph, node, layer);
                    op = "Attention";
                    nativeOutput = "qk_matmul_output";
                } else if (AttentionOpFinder.isMultiHeadAttention(node)) {
                    twin = Unfusing.multiHeadTwin(graph, node, layer);
                    op = "MultiHeadAttention";
                    nativeOutput = "qk";
                } else {
                    out.add(s);
                    continue;
                }
                twin.nodes().forEach(edits::add);
                name = twin.pattern();
                copyOutput = twin.output();
                edits.type(name, ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE);
                edits.type(copyOutput, ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE);
                kind = "Softmax of " + op + " rewritten as ordinary ops beside the op (float32)";
                detail = "tensor " + name + ": " + op + " " + nodeName(node) + " rewritten (MatMul, scale, mask, Softmax"
                        + (OnnxGraph.intAttribute(node, "do_rotary", 0) == 1 ? ", rotary from cos/sin_cache" : "")
                        + ") instead of its " + nativeOutput + " (" + refused + ")";
            } else {
                NodeProto.Builder copy = copyOf(node, layer);
                copyOutput = copy.getOutput(0);
                if (node.getOpType().equals(GroupQueryAttentionFinder.OP)) {
                    name = "attnscope.gqa_pattern." + layer;
                    setInt(copy, "qk_output", 2);
                    setOutput(copy, 3, name);
                    kind = "GroupQueryAttention output_qk (qk_output = 2: after softmax)";
                    detail = "GroupQueryAttention " + nodeName(node) + ", output 3 " + name + " (qk_output = 2)";
                } else if (AttentionOpFinder.isOnnxAttention(node)) {
                    name = "attnscope.attention_pattern." + layer;
                    setInt(copy, "qk_matmul_output_mode", 3);
                    setOutput(copy, 3, name);
                    kind = "Attention qk_matmul_output (qk_matmul_output_mode = 3: after softmax)";
                    detail = "Attention " + nodeName(node) + ", output 3 " + name + " (qk_matmul_output_mode = 3)";
                } else if (AttentionOpFinder.isMultiHeadAttention(node)) {
                    String scores = "attnscope.mha_scores." + layer;
                    name = "attnscope.mha_pattern." + layer;
                    setOutput(copy, 3, scores);
                    edits.add(NodeProto.newBuilder().setName("attnscope/mha_softmax." + layer).setOpType("Softmax").addInput(scores)
                            .addOutput(name).addAttribute(OnnxGraph.intAttributeProto("axis", -1)).build());
                    edits.type(scores, type);
                    kind = "MultiHeadAttention qk (scores with mask) → Softmax added by attnscope";
                    detail = "MultiHeadAttention " + nodeName(node) + ", output 3 qk → Softmax " + name;
                } else {
                    out.add(s);
                    continue;
                }
                edits.add(copy.build());
                edits.type(name, type);
                edits.type(copyOutput, type);
                detail += ", from a copy of the op beside it (the op itself computes the model)";
            }
            edits.type(node.getOutput(0), type);
            how.put(layer, new Output(kind, detail));
            copies.put(layer, new Copy(node.getOutput(0), copyOutput));
            out.add(withPattern(s, new Tap(name, HeadLayout.Split.identity())));
        }
        return new Plan(out, edits.build(), how, copies);
    }

    /**
     * A copy of a fused op under its own name, every output renamed (output 0:
     * attnscope.copy_output.L), so that asking it for its weights leaves the op the model runs as it
     * is: ONNX Runtime may compute an op asked for its weights on another kernel path (GroupQueryAttention:
     * logits ~1e-5 apart in fp32), which int8 activation quantization after it can amplify.
     */
    private static NodeProto.Builder copyOf(NodeProto node, int layer) {
        NodeProto.Builder b = node.toBuilder().setName("attnscope/copy." + layer + "/" + nodeName(node));
        for (int i = 0; i < b.getOutputCount(); i++) {
            if (!b.getOutput(i).isEmpty()) {
                b.setOutput(i, i == 0 ? "attnscope.copy_output." + layer : "attnscope.copy." + layer + ".output" + i);
            }
        }
        return b;
    }

    static String nodeName(NodeProto node) {
        return node.getName().isEmpty() ? node.getOutput(0) : node.getName();
    }

    static AttentionSite withPattern(AttentionSite s, Tap pattern) {
        return new AttentionSite(s.layer(), s.style(), s.node(), s.q(), s.k(), s.v(), Optional.of(pattern), s.z(),
                s.qBeforeRotary(), s.kBeforeRotary(), s.qNeedsRotary(), s.graphScale(), s.masked());
    }

    /** Replaces (or adds) an integer attribute. */
    static void setInt(NodeProto.Builder node, String attribute, long value) {
        for (int i = node.getAttributeCount() - 1; i >= 0; i--) {
            if (node.getAttribute(i).getName().equals(attribute)) {
                node.removeAttribute(i);
            }
        }
        node.addAttribute(OnnxGraph.intAttributeProto(attribute, value));
    }

    /** Names output {@code index}, padding skipped optional outputs with "". */
    static void setOutput(NodeProto.Builder node, int index, String name) {
        while (node.getOutputCount() <= index) {
            node.addOutput("");
        }
        node.setOutput(index, name);
    }
}
