package attnscope.capture;

/**
 * Where one layer's attention pattern comes from, said in summary.json and the text summary so
 * that a pattern drawn from the reference is never mistaken for the model's own.
 *
 * @param fromModel true: ONNX Runtime computed it (a Softmax in the graph, or a fused op's own
 *                  weights output); false: only attnscope's reference recomputes it from Q, K and V
 * @param kind      the same for every layer of a model: "Softmax output", "GroupQueryAttention output_qk", ...
 * @param how       this layer's node and output it was read from, or why the model's own is not available
 */
public record PatternSource(boolean fromModel, String kind, String how) {
    /** "model" or "reference only", the words summary.json uses. */
    public String origin() {
        return fromModel ? "model" : "reference only";
    }
}
