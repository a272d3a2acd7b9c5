package attnscope.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import attnscope.InputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Finds the attention site of every layer in a graph, whatever the exporter: decomposed attention
 * (ordinary ops around a Softmax, decoders and BERT-style encoders alike) or fused
 * GroupQueryAttention. A graph that matches no known style is refused with what was found.
 */
public final class AttentionSites {
    private AttentionSites() {
    }

    /**
     * @param expectedLayers config.json's num_hidden_layers: the graph must have exactly one site per layer
     * @return one site per layer, layer 0 first
     */
    public static List<AttentionSite> find(OnnxGraph graph, int expectedLayers) {
        List<AttentionSite> fused = new ArrayList<>(new GroupQueryAttentionFinder(graph).find());
        List<AttentionSite> ops = new AttentionOpFinder(graph).find();
        if (!fused.isEmpty() && !ops.isEmpty()) {
            throw new InputException("the graph mixes " + fused.size() + " GroupQueryAttention nodes with " + ops.size()
                    + " other attention ops; attnscope reads one style per model");
        }
        fused.addAll(ops);
        List<DecomposedAttentionFinder.Rejected> rejected = new ArrayList<>();
        List<AttentionSite> decomposed = new DecomposedAttentionFinder(graph).find(rejected);
        if (!fused.isEmpty() && !decomposed.isEmpty()) {
            throw new InputException("the graph mixes " + fused.size() + " fused attention nodes with "
                    + decomposed.size() + " decomposed attention blocks; attnscope reads one style per model");
        }
        List<AttentionSite> sites = fused.isEmpty() ? decomposed : fused;
        if (sites.isEmpty()) {
            unreadableFusedAttention(graph).ifPresent(what -> {
                throw new InputException("layer 0: the graph computes attention in " + what + ", which attnscope cannot open: "
                        + "it reads decomposed attention (MatMul → Softmax → MatMul), the ONNX Attention op, "
                        + "com.microsoft:MultiHeadAttention and com.microsoft:GroupQueryAttention. "
                        + "Re-export the model without attention fusion (a plain `optimum-cli export onnx`)");
            });
            throw new InputException("layer 0: no attention found in the graph: " + describe(graph, rejected)
                    + ". attnscope recognises MatMul → (scale) → (mask) → Softmax → MatMul and com.microsoft:GroupQueryAttention");
        }
        if (sites.size() != expectedLayers) {
            String where = sites.size() < expectedLayers
                    ? "layer " + sites.size() + ": no attention found (config.json says " + expectedLayers + " layers, the graph has "
                            + sites.size() + " attention sites" + (rejected.isEmpty() ? "" : "; " + describe(graph, rejected)) + ")"
                    : "config.json says " + expectedLayers + " layers but the graph has " + sites.size() + " attention sites";
            throw new InputException(where);
        }
        return sites;
    }

    /**
     * Fused attention ops whose Q, K and V never appear in the graph (the projection is inside the
     * op) or whose inputs are packed in ways attnscope does not split: ONNX Runtime's contrib ops other
     * than GroupQueryAttention and MultiHeadAttention. (com.microsoft:Attention shares its op type with
     * the standard ONNX Attention, which is readable: the domain tells them apart.)
     */
    static final List<String> UNREADABLE_FUSED_OPS = List.of("Attention", "PackedAttention",
            "PackedMultiHeadAttention", "SparseAttention", "DecoderMaskedMultiHeadAttention");

    /** "12 com.microsoft:MultiHeadAttention nodes", or empty when the graph has none of them. */
    static Optional<String> unreadableFusedAttention(OnnxGraph graph) {
        Map<String, Integer> found = new TreeMap<>();
        for (NodeProto n : graph.nodes()) {
            if (UNREADABLE_FUSED_OPS.contains(n.getOpType()) && !AttentionOpFinder.isOnnxAttention(n)) {
                String domain = n.getDomain().isEmpty() ? "ai.onnx" : n.getDomain();
                found.merge(domain + ":" + n.getOpType(), 1, Integer::sum);
            }
        }
        return found.isEmpty() ? Optional.empty() : Optional.of(found.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey() + (e.getValue() == 1 ? " node" : " nodes"))
                .collect(Collectors.joining(" and ")));
    }

    private static String describe(OnnxGraph graph, List<DecomposedAttentionFinder.Rejected> rejected) {
        if (!rejected.isEmpty()) {
            return rejected.stream().limit(3).map(r -> "Softmax " + r.node() + ": " + r.why())
                    .collect(Collectors.joining("; "));
        }
        Map<String, Integer> ops = new TreeMap<>();
        for (NodeProto n : graph.nodes()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        return "no Softmax and no GroupQueryAttention node; found " + ops.entrySet().stream()
                .sorted((a, b) -> b.getValue() - a.getValue()).limit(8)
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}
