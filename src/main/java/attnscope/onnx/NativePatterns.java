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
        List<NodeProto> gqa = graph.nodes().stream().filter(n -> n.getOpType().equals(GroupQueryAttentionFinder.OP)).toList();
        HookEdits.Builder edits = new HookEdits.Builder();
        Map<Integer, Output> how = new LinkedHashMap<>();
        List<AttentionSite> out = new ArrayList<>();
        for (AttentionSite s : sites) {
            if (s.pattern().isPresent() || !s.style().equals("fused-gqa")) {
                out.add(s);
                continue;
            }
            NodeProto node = gqa.get(s.layer());
            String name = groupQueryPattern(graph, node, s.layer(), edits);
            String kind = "GroupQueryAttention output_qk (qk_output = 2: after softmax)";
            how.put(s.layer(), new Output(kind, "GroupQueryAttention " + nodeName(node) + ", output 3 " + name + " (qk_output = 2)"));
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
