package attnscope.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import attnscope.onnx.AttentionSite.Tap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds fused {@code com.microsoft:GroupQueryAttention} nodes (onnxruntime-genai's model builder).
 *
 * <p>Inputs: query (B, T, H·d) — or Q, K and V packed as (B, T, (H + 2·Hkv)·d) when key and value
 * are empty —, key, value, past_key, past_value, seqlens_k, total_sequence_length, cos_cache,
 * sin_cache. Outputs: output (B, T, H·d), present_key and present_value (B, Hkv, T, d), and on CPU
 * an optional attention-weights output. With {@code do_rotary=1} the node rotates Q and K itself,
 * so the query read here is before rotary and the tool applies rotary (with config.json's θ);
 * present_key is after rotary.
 */
final class GroupQueryAttentionFinder {
    static final String OP = "GroupQueryAttention";

    private final OnnxGraph graph;

    GroupQueryAttentionFinder(OnnxGraph graph) {
        this.graph = graph;
    }

    List<AttentionSite> find() {
        List<AttentionSite> sites = new ArrayList<>();
        for (NodeProto n : graph.nodes()) {
            if (!n.getOpType().equals(OP)) {
                continue;
            }
            int heads = (int) OnnxGraph.intAttribute(n, "num_heads", 0);
            int kvHeads = (int) OnnxGraph.intAttribute(n, "kv_num_heads", 0);
            boolean rotary = OnnxGraph.intAttribute(n, "do_rotary", 0) == 1;
            float scale = OnnxGraph.floatAttribute(n, "scale", 0f);
            boolean packed = n.getInputCount() < 2 || n.getInput(1).isEmpty();
            String query = n.getInput(0);
            int total = packed ? heads + 2 * kvHeads : heads;
            Tap q = new Tap(query, new HeadLayout.Packed(0, heads, total));
            Tap kIn = packed ? new Tap(query, new HeadLayout.Packed(heads, kvHeads, total))
                    : new Tap(n.getInput(1), new HeadLayout.Packed(0, kvHeads, kvHeads));
            Tap vIn = packed ? new Tap(query, new HeadLayout.Packed(heads + kvHeads, kvHeads, total))
                    : new Tap(n.getInput(2), new HeadLayout.Packed(0, kvHeads, kvHeads));
            boolean hasPresent = n.getOutputCount() >= 3 && !n.getOutput(1).isEmpty() && !n.getOutput(2).isEmpty();
            if (rotary && !hasPresent) {
                throw new attnscope.InputException("layer " + sites.size() + ": GroupQueryAttention " + n.getName()
                        + " rotates keys inside (do_rotary=1) but has no present_key output, so its rotated keys cannot be read");
            }
            // present_key is after rotary; without it, keys are read at the input (then rotary applies only when do_rotary=0).
            Tap k = hasPresent ? new Tap(n.getOutput(1), HeadLayout.Split.identity()) : kIn;
            Tap v = hasPresent ? new Tap(n.getOutput(2), HeadLayout.Split.identity()) : vIn;
            sites.add(new AttentionSite(sites.size(), "fused-gqa", n.getName().isEmpty() ? n.getOutput(0) : n.getName(),
                    q, k, v, Optional.empty(), ProjectionInput.find(graph, n.getOutput(0)).orElse(new Tap(n.getOutput(0), HeadLayout.Packed.allQueryHeads())),
                    Optional.empty(), rotary && hasPresent ? Optional.of(kIn) : Optional.empty(), rotary,
                    scale == 0f ? Double.NaN : scale, true));
        }
        return sites;
    }
}
