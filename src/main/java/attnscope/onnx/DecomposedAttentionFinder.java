package attnscope.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import attnscope.onnx.AttentionSite.Tap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Finds attention written out in ordinary ONNX ops, as torch, optimum and transformers.js export it
 * (decoders) and as BERT-style encoders have it:
 * <pre>
 *   Q ─┬─(scale)─┐
 *      │         MatMul ─(scale)─ Add(mask) ─ Softmax ─ MatMul ─ Transpose/Reshape ─ o_proj
 *   K ─┴─Transpose─(scale)─┘                              V ─┘
 * </pre>
 * The scale 1/√d may be a Div after the first MatMul, a Mul, or Mul(√scale) on both Q and Kᵀ
 * (torch's scaled_dot_product_attention export). Names are not needed: every Softmax whose input
 * comes from a MatMul (through scale, mask and casts) and whose output feeds a MatMul is a site.
 */
final class DecomposedAttentionFinder {
    /** Ops that move or re-type data without changing values: walked through when tracing Q, K and V. */
    private static final Set<String> PASS_THROUGH = Set.of("Cast", "Identity");
    /** Ops that repeat or append key/value heads (repeat_kv, cache concat): walked to find present.N.key. */
    private static final Set<String> KV_REPEAT = Set.of("Reshape", "Expand", "Unsqueeze", "Tile", "Concat", "Identity", "Cast");

    private final OnnxGraph graph;

    DecomposedAttentionFinder(OnnxGraph graph) {
        this.graph = graph;
    }

    /** What one Softmax looked like, when it is not attention: for the error message. */
    record Rejected(String node, String why) {
    }

    /** The sites, in graph order; Softmax nodes that are not attention land in {@code rejected}. */
    List<AttentionSite> find(List<Rejected> rejected) {
        List<AttentionSite> sites = new ArrayList<>();
        for (NodeProto softmax : graph.nodes()) {
            if (!softmax.getOpType().equals("Softmax")) {
                continue;
            }
            Scores scores = traceScores(softmax.getInput(0), 0);
            if (scores == null) {
                rejected.add(new Rejected(softmax.getName(), "its input does not come from a MatMul (Q·Kᵀ)"));
                continue;
            }
            WeightedSum after = weightedSumAfter(softmax.getOutput(0));
            NodeProto weightedSum = after == null ? null : after.matMul();
            if (weightedSum == null) {
                rejected.add(new Rejected(softmax.getName(), "its output does not feed a MatMul (weights·V)"));
                continue;
            }
            NodeProto qk = scores.matMul;
            // Q·Kᵀ: the first operand is Q as (B, H, T, d), the second Kᵀ as (B, H, d, T).
            Operand q = traceOperand(qk.getInput(0), new int[] {0, 1, 2, 3});
            Operand k = traceOperand(qk.getInput(1), new int[] {0, 1, 3, 2});
            Operand v = traceOperand(weightedSum.getInput(1), new int[] {0, 1, 2, 3});
            double scale = scores.scale * q.scale * k.scale;
            Tap keys = keptHeads(k);
            // A Softmax that attnscope's unfusing wrote stands for a fused op: say so in the style.
            String style = softmax.getName().startsWith(Unfusing.PREFIX) ? Unfusing.UNFUSED_STYLE : "decomposed";
            sites.add(new AttentionSite(sites.size(), style, softmax.getName(),
                    q.tap(), keys, keptHeads(v),
                    Optional.of(new Tap(after.weights(), HeadLayout.Split.identity())),
                    ProjectionInput.find(graph, weightedSum.getOutput(0)).orElse(new Tap(weightedSum.getOutput(0), HeadLayout.Split.identity())),
                    beforeRotary(q.tap()), beforeRotary(keys), false, scale, scores.masked));
        }
        return sites;
    }

    /** The path from Q·Kᵀ to softmax's input: the MatMul, the product of scale factors, and whether a mask is added. */
    private record Scores(NodeProto matMul, double scale, boolean masked) {
    }

    private Scores traceScores(String tensor, int depth) {
        NodeProto p = graph.producer(tensor);
        if (p == null || depth > 8) {
            return null;
        }
        switch (p.getOpType()) {
            case "MatMul":
                return graph.isConstant(p.getInput(1)) ? null : new Scores(p, 1.0, false);
            case "Cast":
            case "Identity":
                return traceScores(p.getInput(0), depth + 1);
            case "Mul":
            case "Div": {
                Scaled s = scaled(p);
                if (s != null) {
                    Scores inner = traceScores(s.input, depth + 1);
                    return inner == null ? null : new Scores(inner.matMul, inner.scale * s.factor, inner.masked);
                }
                return null;
            }
            case "Add":
            case "Where":
            case "Max": {
                // A mask: one operand carries the scores, the other the mask (Where: condition, then/else).
                int first = p.getOpType().equals("Where") ? 1 : 0;
                for (int i = first; i < p.getInputCount(); i++) {
                    Scores inner = traceScores(p.getInput(i), depth + 1);
                    if (inner != null) {
                        return new Scores(inner.matMul, inner.scale, !p.getOpType().equals("Max") || inner.masked);
                    }
                }
                return null;
            }
            default:
                return null;
        }
    }

    /**
     * The input of a rotary embedding written out in ordinary ops, x·cos + rotate_half(x)·sin, when
     * {@code rotated} is its output: an Add of two Muls, one of them reading x directly and the other
     * reading something computed from x by Slice (rotate_half cuts x in halves). Rotary works element by
     * element along d, so x has the same layout as the rotated tensor.
     */
    Optional<Tap> beforeRotary(Tap rotated) {
        NodeProto add = graph.producer(rotated.tensor());
        if (add != null && add.getOpType().equals("Concat")) {
            // present.N.key = Concat(past_key_values.N.key, rotated keys): with an empty past, the
            // cache is the rotated keys themselves; look through to the rotary.
            List<String> computed = add.getInputList().stream().filter(in -> !in.isEmpty() && !graph.isGraphInput(in)).toList();
            add = computed.size() == 1 ? graph.producer(computed.get(0)) : null;
        }
        if (add != null && add.getOpType().equals("Cast")) {
            add = graph.producer(add.getInput(0)); // rotary computed in fp32, then rounded to fp16
        }
        if (add == null || !add.getOpType().equals("Add") || add.getInputCount() != 2) {
            return Optional.empty();
        }
        for (int i = 0; i < 2; i++) {
            NodeProto direct = graph.producer(add.getInput(i));
            NodeProto halves = graph.producer(add.getInput(1 - i));
            if (direct == null || halves == null || !direct.getOpType().equals("Mul") || !halves.getOpType().equals("Mul")) {
                continue;
            }
            for (String x : direct.getInputList()) {
                boolean sliced = graph.consumers(x).stream().anyMatch(c -> c.getOpType().equals("Slice"));
                if (sliced && halves.getInputList().stream().anyMatch(h -> descendsFrom(h, x, 4))) {
                    return Optional.of(new Tap(x, rotated.layout()));
                }
            }
        }
        return Optional.empty();
    }

    private boolean descendsFrom(String tensor, String ancestor, int depth) {
        if (tensor.equals(ancestor)) {
            return true;
        }
        NodeProto p = graph.producer(tensor);
        if (p == null || depth == 0) {
            return false;
        }
        return p.getInputList().stream().anyMatch(in -> !in.isEmpty() && descendsFrom(in, ancestor, depth - 1));
    }

    /** A Mul or Div by a one-element constant: the other operand and the factor it is multiplied by. */
    private record Scaled(String input, double factor) {
    }

    private Scaled scaled(NodeProto p) {
        boolean div = p.getOpType().equals("Div");
        OptionalDouble right = graph.scalar(p.getInput(1));
        if (right.isPresent()) {
            return new Scaled(p.getInput(0), div ? 1.0 / right.getAsDouble() : right.getAsDouble());
        }
        OptionalDouble left = graph.scalar(p.getInput(0));
        if (left.isPresent() && !div) {
            return new Scaled(p.getInput(1), left.getAsDouble());
        }
        return null;
    }

    /**
     * The MatMul with V that the weights feed, and the tensor it reads: the pattern is tapped there,
     * after whatever the graph does to the weights on the way — a Cast (in an fp16 model, the
     * rounding the model itself applies), Identity, Dropout (identity at inference), or
     * torch's Where(IsNaN(w), 0, w), which changes only rows that are fully masked.
     */
    private record WeightedSum(NodeProto matMul, String weights) {
    }

    private WeightedSum weightedSumAfter(String pattern) {
        Deque<String> queue = new ArrayDeque<>(List.of(pattern));
        for (int steps = 0; !queue.isEmpty() && steps < 6; steps++) {
            String t = queue.poll();
            for (NodeProto c : graph.consumers(t)) {
                if (c.getOpType().equals("MatMul") && c.getInput(0).equals(t)) {
                    return new WeightedSum(c, t);
                }
                if (PASS_THROUGH.contains(c.getOpType()) || c.getOpType().equals("Dropout") || zeroesNaN(c, t)) {
                    queue.add(c.getOutput(0));
                }
            }
        }
        return null;
    }

    /** Where(IsNaN(w), 0, w): NaN weights (a row with every key masked) become 0, all others pass unchanged. */
    private boolean zeroesNaN(NodeProto where, String w) {
        if (!where.getOpType().equals("Where") || where.getInputCount() != 3 || !where.getInput(2).equals(w)) {
            return false;
        }
        NodeProto isNaN = graph.producer(where.getInput(0));
        OptionalDouble zero = graph.scalar(where.getInput(1));
        return isNaN != null && isNaN.getOpType().equals("IsNaN") && isNaN.getInput(0).equals(w)
                && zero.isPresent() && zero.getAsDouble() == 0;
    }

    /** A traced operand: the tensor to read, its layout, and the scale factors walked through. */
    record Operand(String tensor, int[] perm, double scale) {
        Tap tap() {
            return new Tap(tensor, new HeadLayout.Split(perm));
        }
    }

    /**
     * Walks back from a MatMul operand through transposes, casts and scalar scale factors to the
     * tensor that holds the values themselves. {@code perm} relates the operand to (B, heads, T, d);
     * passing a Transpose(perm t) composes it: canonical axis i is then input axis t[perm[i]].
     */
    Operand traceOperand(String tensor, int[] perm) {
        double scale = 1.0;
        String current = tensor;
        int[] p = perm.clone();
        for (int steps = 0; steps < 16; steps++) {
            NodeProto n = graph.producer(current);
            if (n == null) {
                break;
            }
            String op = n.getOpType();
            if (op.equals("Transpose")) {
                List<Long> t = OnnxGraph.intsAttribute(n, "perm");
                int[] composed = new int[4];
                for (int i = 0; i < 4; i++) {
                    composed[i] = t.isEmpty() ? 3 - p[i] : t.get(p[i]).intValue();
                }
                p = composed;
                current = n.getInput(0);
            } else if (op.equals("Cast") && narrows(n)) {
                // fp32 → fp16/bf16: the rounded values are the ones the model multiplies; read them there,
                // so the reference works from the same numbers (casts further back are the model's business).
                break;
            } else if (PASS_THROUGH.contains(op)) {
                current = n.getInput(0);
            } else if ((op.equals("Mul") || op.equals("Div")) && scaled(n) != null) {
                Scaled s = scaled(n);
                scale *= s.factor;
                current = s.input;
            } else {
                break;
            }
        }
        return new Operand(current, p, scale);
    }

    /** A Cast to a type of fewer bits than its input's (fp32 → fp16 or bf16): the values are rounded there. */
    private boolean narrows(NodeProto cast) {
        long to = OnnxGraph.intAttribute(cast, "to", 0);
        boolean toHalf = to == ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT16_VALUE
                || to == ai.onnx.proto.OnnxMl.TensorProto.DataType.BFLOAT16_VALUE;
        int from = graph.elementType(cast.getInput(0));
        return toHalf && (from == ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE
                || from == ai.onnx.proto.OnnxMl.TensorProto.DataType.DOUBLE_VALUE);
    }

    /**
     * Keys and values as the model keeps them, before grouped-query attention repeats them:
     * when a graph output (present.N.key / present.N.value, the cache) lies on the way back from
     * the traced tensor through repeat and concat ops, it is read instead, as (B, Hkv, T, d).
     */
    Tap keptHeads(Operand operand) {
        Optional<Tap> cached = cacheOutput(operand);
        if (cached.isPresent()) {
            return cached.get();
        }
        return beforeRepeat(operand).orElse(operand.tap());
    }

    /**
     * Without a cache output, the keys before grouped-query attention's repeat (Hugging Face's
     * repeat_kv) are recognised by its shape: x (B, Hkv, T, d) → Unsqueeze(axis 2) → Expand, or a
     * Concat of copies → Reshape to (B, H, T, d). Only an untransposed operand qualifies.
     */
    private Optional<Tap> beforeRepeat(Operand operand) {
        if (!new HeadLayout.Split(operand.perm).isIdentity()) {
            return Optional.empty();
        }
        NodeProto reshape = graph.producer(operand.tensor);
        if (reshape == null || !reshape.getOpType().equals("Reshape")) {
            return Optional.empty();
        }
        NodeProto repeat = graph.producer(reshape.getInput(0));
        if (repeat == null) {
            return Optional.empty();
        }
        String copied;
        if (repeat.getOpType().equals("Expand")) {
            copied = repeat.getInput(0);
        } else if (repeat.getOpType().equals("Concat") && repeat.getInputList().stream().distinct().count() == 1) {
            copied = repeat.getInput(0);
        } else {
            return Optional.empty();
        }
        NodeProto unsqueeze = graph.producer(copied);
        if (unsqueeze == null || !unsqueeze.getOpType().equals("Unsqueeze")) {
            return Optional.empty();
        }
        return Optional.of(new Tap(unsqueeze.getInput(0), HeadLayout.Split.identity()));
    }

    private Optional<Tap> cacheOutput(Operand operand) {
        Deque<String> queue = new ArrayDeque<>(List.of(operand.tensor));
        Set<String> seen = new HashSet<>();
        for (int steps = 0; !queue.isEmpty() && steps < 12; steps++) {
            String t = queue.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (graph.isGraphOutput(t)) {
                return Optional.of(new Tap(t, HeadLayout.Split.identity()));
            }
            NodeProto p = graph.producer(t);
            if (p != null && KV_REPEAT.contains(p.getOpType())) {
                if (p.getOpType().equals("Concat")) {
                    p.getInputList().stream().filter(s -> !s.isEmpty()).forEach(queue::add);
                } else {
                    queue.add(p.getInput(0));
                }
            }
        }
        return Optional.empty();
    }

}
