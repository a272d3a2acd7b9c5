package attnscope.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import attnscope.onnx.AttentionSite.Tap;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The per-head outputs as the output projection (o_proj) reads them: walk forward from where
 * attention produced them through layout ops (transpose, reshape, split, gather, concat, ...) to
 * the first projection, and read its input, heads side by side. Reading there, not where attention
 * produced them, means a graph that reorders heads on the way is caught by the z check.
 */
final class ProjectionInput {
    /** Ops that only move values: walked through. */
    private static final Set<String> LAYOUT = Set.of("Transpose", "Reshape", "Cast", "Identity", "Split", "Slice",
            "Gather", "Concat", "Squeeze", "Unsqueeze", "Flatten");
    /** Nodes that read the heads as one hidden vector: an output projection, plain or quantized. */
    private static final Set<String> PROJECTIONS = Set.of("MatMul", "Gemm", "MatMulInteger", "DynamicQuantizeLinear",
            "MatMulNBits", "QLinearMatMul", "FusedMatMul", "QuantizeLinear");

    private ProjectionInput() {
    }

    /** The projection's input reached from {@code start}, or empty when no projection follows through layout ops only. */
    static Optional<Tap> find(OnnxGraph graph, String start) {
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>();
        while (!queue.isEmpty() && seen.size() < 32) {
            String t = queue.poll();
            if (!seen.add(t)) {
                continue;
            }
            for (NodeProto c : graph.consumers(t)) {
                String op = c.getOpType();
                boolean dataInput = c.getInput(0).equals(t);
                if (PROJECTIONS.contains(op) && dataInput && (!op.equals("MatMul") || graph.isConstant(c.getInput(1)))) {
                    return Optional.of(new Tap(t, HeadLayout.Packed.allQueryHeads()));
                }
                if (LAYOUT.contains(op) && (dataInput || op.equals("Concat"))) {
                    c.getOutputList().stream().filter(s -> !s.isEmpty()).forEach(queue::add);
                }
            }
        }
        return Optional.empty();
    }
}
