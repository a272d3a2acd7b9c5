package attnscope.capture;

/**
 * The tensors of one attention layer worth looking at, after TransformerLens's hook points.
 * Shapes per layer, in the vocabulary T tokens, H query heads, Hkv key/value heads, d head dim.
 */
public enum Site {
    /** Queries after rotary embedding, (H, T, d). */
    Q("q"),
    /** Keys after rotary embedding, (Hkv, T, d): one per key/value head, not repeated. */
    K("k"),
    /** Values, (Hkv, T, d). */
    V("v"),
    /**
     * Pre-softmax scores Q·Kᵀ/√d, scaled and before the mask, (H, T, T): where the graph holds them
     * as a tensor (decomposed attention; cf. TransformerLens's hook_attn_scores).
     */
    SCORES("scores"),
    /** Attention weights softmax(Q·Kᵀ/√d + mask), (H, T, T); rows sum to 1. */
    PATTERN("pattern"),
    /** Per-head output pattern·V before the output projection, (H, T, d). */
    Z("z");

    private final String fileName;

    Site(String fileName) {
        this.fileName = fileName;
    }

    /** The short name used in file names and summary.json ("q", "pattern", ...). */
    public String shortName() {
        return fileName;
    }
}
