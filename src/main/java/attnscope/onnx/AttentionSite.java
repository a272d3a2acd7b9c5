package attnscope.onnx;

import java.util.Optional;

/**
 * Where one layer's attention tensors live in a graph, found from its structure.
 *
 * @param layer        the layer (the site's order among the graph's attention sites)
 * @param style        how the graph computes attention: "decomposed" (MatMul, Softmax, MatMul)
 *                     or "fused-gqa" (com.microsoft GroupQueryAttention)
 * @param node         the node that identifies the site (the Softmax or the GroupQueryAttention), for messages
 * @param q            queries; after rotary unless {@code qNeedsRotary}
 * @param k            keys after rotary, Hkv heads when the graph keeps them (present.N.key)
 * @param v            values
 * @param pattern      the attention weights as the model computed them, when the graph has them as a tensor
 * @param z            the per-head outputs as the output projection reads them (heads side by side)
 * @param qBeforeRotary queries before rotary, when the graph rotates them in ordinary ops (then
 *                     {@code q} is after): the tool checks its own rotary, with config.json's θ, against the graph's
 * @param kBeforeRotary keys before rotary, wherever the graph rotates them (ordinary ops or inside a
 *                     fused op): the tool checks its own rotary against the graph's rotated keys
 * @param qNeedsRotary the captured queries are before rotary (fused op with do_rotary=1): the tool applies it
 * @param graphScale   the factor the graph multiplies Q·Kᵀ by (1/√d for scaled dot-product attention), NaN if unknown
 * @param masked       the graph adds a mask (or selects with Where) before softmax
 */
public record AttentionSite(int layer, String style, String node, Tap q, Tap k, Tap v, Optional<Tap> pattern, Tap z,
        Optional<Tap> qBeforeRotary, Optional<Tap> kBeforeRotary, boolean qNeedsRotary, double graphScale, boolean masked) {

    /** One tensor to read: its name in the graph and how its axes map to (heads, T, last). */
    public record Tap(String tensor, HeadLayout layout) {
    }
}
