package attnscope.capture;

import attnscope.onnx.AttentionSite;
import attnscope.onnx.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Where a decomposed graph holds the pre-softmax scores Q·Kᵀ/√d, scaled and before the mask
 * (TransformerLens's hook_attn_scores, taken before its mask is applied): the tensor just upstream
 * of the first mask operation (Add, Where, Max) on the path from the Q·Kᵀ MatMul to the Softmax.
 *
 * <p>Exporters place the scale differently: a Div or Mul after the MatMul (then the tensor found is
 * already scaled), Mul(√scale) on Q and Kᵀ (the MatMul's output is scaled), or rarely a scale after
 * the mask; in that last case the scale factors met between the mask and the Softmax are returned
 * too, and the captured tensor is multiplied by them. A graph without a mask (an encoder) gives the
 * Softmax input itself.
 *
 * @param tensor the tensor to read, laid out like the pattern: (B, H, T, T)
 * @param factor what to multiply it by to get the scaled scores (1 unless a scale follows the mask)
 */
public record ScoresTap(String tensor, double factor) {
    private static final int MAX_DEPTH = 10;

    /** The scores tap of a decomposed site whose pattern is the output of a Softmax; empty for other styles. */
    public static Optional<ScoresTap> find(OnnxGraph graph, AttentionSite site) {
        if (site.pattern().isEmpty()) {
            return Optional.empty(); // fused ops hold no scores tensor
        }
        NodeProto softmax = graph.producer(site.pattern().get().tensor());
        if (softmax == null || !softmax.getOpType().equals("Softmax")) {
            return Optional.empty();
        }
        // The path from Softmax back to Q·Kᵀ, one node per step, Softmax side first.
        List<NodeProto> path = new ArrayList<>();
        List<String> tensors = new ArrayList<>(); // tensors[i] is the input of path[i] on the path
        String current = softmax.getInput(0);
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            NodeProto p = graph.producer(current);
            if (p == null) {
                return Optional.empty();
            }
            if (p.getOpType().equals("MatMul")) {
                break;
            }
            String next = scoresInput(graph, p, 0);
            if (next == null) {
                return Optional.empty();
            }
            path.add(p);
            tensors.add(next);
            current = next;
        }
        // The mask nearest the MatMul: the tensor entering it is the scores before any mask.
        int mask = -1;
        for (int i = path.size() - 1; i >= 0; i--) {
            if (isMask(path.get(i))) {
                mask = i;
                break;
            }
        }
        if (mask < 0) {
            return Optional.of(new ScoresTap(softmax.getInput(0), 1.0)); // unmasked: Softmax's input is the scores
        }
        double factor = 1.0;
        for (int i = 0; i < mask; i++) {
            OptionalDouble f = scale(graph, path.get(i));
            if (f.isPresent()) {
                factor *= f.getAsDouble();
            }
        }
        return Optional.of(new ScoresTap(tensors.get(mask), factor));
    }

    private static boolean isMask(NodeProto p) {
        String op = p.getOpType();
        return op.equals("Add") || op.equals("Where") || op.equals("Max");
    }

    /** The factor of a Mul or Div by a scalar constant (1/c for Div), or empty. */
    private static OptionalDouble scale(OnnxGraph graph, NodeProto p) {
        if (p.getOpType().equals("Div")) {
            OptionalDouble c = graph.scalar(p.getInput(1));
            return c.isPresent() ? OptionalDouble.of(1.0 / c.getAsDouble()) : OptionalDouble.empty();
        }
        if (p.getOpType().equals("Mul")) {
            OptionalDouble c = graph.scalar(p.getInput(1));
            return c.isPresent() ? c : graph.scalar(p.getInput(0));
        }
        return OptionalDouble.empty();
    }

    /** The input of {@code p} that carries the scores (comes from an activation MatMul), or null. */
    private static String scoresInput(OnnxGraph graph, NodeProto p, int depth) {
        switch (p.getOpType()) {
            case "Cast", "Identity" -> {
                return p.getInput(0);
            }
            case "Mul", "Div" -> {
                if (scale(graph, p).isEmpty()) {
                    return null;
                }
                return graph.scalar(p.getInput(0)).isPresent() ? p.getInput(1) : p.getInput(0);
            }
            case "Add", "Where", "Max" -> {
                int first = p.getOpType().equals("Where") ? 1 : 0;
                for (int i = first; i < p.getInputCount(); i++) {
                    if (reachesMatMul(graph, p.getInput(i), depth + 1)) {
                        return p.getInput(i);
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Whether {@code tensor} comes from a MatMul of two activations through scale, mask and cast nodes. */
    private static boolean reachesMatMul(OnnxGraph graph, String tensor, int depth) {
        NodeProto p = graph.producer(tensor);
        if (p == null || depth > MAX_DEPTH) {
            return false;
        }
        if (p.getOpType().equals("MatMul")) {
            return !graph.isConstant(p.getInput(1)) && !graph.isConstant(p.getInput(0));
        }
        String next = scoresInput(graph, p, depth);
        return next != null && reachesMatMul(graph, next, depth + 1);
    }
}
