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
    public record Plan(List<AttentionSite> sites, HookEdits edits, Map<Integer, Output> how) {
        public boolean isEmpty() {
            return how.isEmpty();
        }
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
        Map<String, NodeProto> byName = new java.util.HashMap<>();
        for (NodeProto n : graph.nodes()) {
            if (n.getOutputCount() > 0) {
                byName.putIfAbsent(nodeName(n), n);
            }
        }
        HookEdits.Builder edits = new HookEdits.Builder();
        Map<Integer, Output> how = new LinkedHashMap<>();
        List<AttentionSite> out = new ArrayList<>();
        for (AttentionSite s : sites) {
            NodeProto node = byName.get(s.node());
            if (s.pattern().isPresent() || node == null) {
                out.add(s);
                continue;
            }
            String name;
            String kind;
            String detail;
            if (node.getOpType().equals(GroupQueryAttentionFinder.OP)) {
                name = groupQueryPattern(graph, node, s.layer(), edits);
                kind = "GroupQueryAttention output_qk (qk_output = 2: after softmax)";
                detail = "GroupQueryAttention " + nodeName(node) + ", output 3 " + name + " (qk_output = 2)";
            } else if (AttentionOpFinder.isOnnxAttention(node)) {
                name = onnxAttentionPattern(graph, node, s.layer(), edits);
                kind = "Attention qk_matmul_output (qk_matmul_output_mode = 3: after softmax)";
                detail = "Attention " + nodeName(node) + ", output 3 " + name + " (qk_matmul_output_mode = 3)";
            } else if (AttentionOpFinder.isMultiHeadAttention(node)) {
                name = multiHeadPattern(graph, node, s.layer(), edits);
                kind = "MultiHeadAttention qk (scores with mask) → Softmax added by attnscope";
                detail = "MultiHeadAttention " + nodeName(node) + ", output 3 qk → Softmax " + name;
            } else {
                out.add(s);
                continue;
            }
            how.put(s.layer(), new Output(kind, detail));
            out.add(withPattern(s, new Tap(name, HeadLayout.Split.identity())));
        }
        return new Plan(out, edits.build(), how);
    }

    /** GroupQueryAttention's 4th output, switched to the softmax weights; returns its name. */
    private static String groupQueryPattern(OnnxGraph graph, NodeProto node, int layer, HookEdits.Builder edits) {
        String name = node.getOutputCount() > 3 && !node.getOutput(3).isEmpty() ? node.getOutput(3) : "attnscope.gqa_pattern." + layer;
        edits.edit(node.getOutput(0), b -> {
            setInt(b, "qk_output", 2);
            setOutput(b, 3, name);
        });
        edits.type(name, graph.elementType(node.getInput(0)));
        return name;
    }

    /** ONNX Attention's 4th output in mode 3, the softmax weights (B, H, T, T); returns its name. */
    private static String onnxAttentionPattern(OnnxGraph graph, NodeProto node, int layer, HookEdits.Builder edits) {
        String name = node.getOutputCount() > 3 && !node.getOutput(3).isEmpty() ? node.getOutput(3) : "attnscope.attention_pattern." + layer;
        edits.edit(node.getOutput(0), b -> {
            setInt(b, "qk_matmul_output_mode", 3);
            setOutput(b, 3, name);
        });
        edits.type(name, graph.elementType(node.getInput(0)));
        return name;
    }

    /**
     * MultiHeadAttention's 4th output {@code qk} (B, H, T, T), scores with bias and mask, and a Softmax
     * over keys added after it; returns the Softmax's output.
     */
    private static String multiHeadPattern(OnnxGraph graph, NodeProto node, int layer, HookEdits.Builder edits) {
        String scores = node.getOutputCount() > 3 && !node.getOutput(3).isEmpty() ? node.getOutput(3) : "attnscope.mha_scores." + layer;
        String pattern = "attnscope.mha_pattern." + layer;
        edits.edit(node.getOutput(0), b -> {
            setOutput(b, 1, b.getOutputCount() > 1 ? b.getOutput(1) : "");
            setOutput(b, 3, scores);
        });
        edits.add(NodeProto.newBuilder().setName("attnscope/mha_softmax." + layer).setOpType("Softmax").addInput(scores)
                .addOutput(pattern).addAttribute(OnnxGraph.intAttributeProto("axis", -1)).build());
        int type = graph.elementType(node.getInput(0));
        edits.type(scores, type);
        edits.type(pattern, type);
        return pattern;
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
