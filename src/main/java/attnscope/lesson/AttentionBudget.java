package attnscope.lesson;

import attnscope.model.ModelConfig;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What attention costs in a decoder, computed from config.json alone: the key/value cache a
 * generating model keeps (and why grouped-query attention exists), and the attention's parameters
 * against the whole model's. Nothing here is typed in; for Qwen2.5-0.5B (D 896, H 14, Hkv 2, d 64,
 * 24 layers) it gives 1.17 MiB of fp32 cache at T = 50 against 8.20 MiB with 14 key/value heads,
 * and 1,836,160 attention parameters per layer, 44.07 M of 494.03 M in all.
 *
 * @param config the model's facts
 * @param tokens T, the tokens in the cache
 */
public record AttentionBudget(ModelConfig config, int tokens) {
    /** Bytes per fp32 number, as the exported graph keeps the cache. */
    static final int FP32_BYTES = 4;
    /** The batch axis the graph's tensors carry: one text at a time. */
    static final int BATCH = 1;

    /**
     * Families whose attention and MLP follow Llama's layout (q/k/v/o projections, a gated MLP of
     * three D × I matrices, RMSNorm with a weight only). Only for these is the whole model counted.
     */
    private static final Set<String> LLAMA_LIKE = Set.of("qwen2", "llama", "mistral", "qwen3");

    public AttentionBudget {
        if (tokens < 1) {
            throw new IllegalArgumentException("the cache needs at least 1 token but found " + tokens);
        }
    }

    /** The shape of one layer's present.N.key (and .value) as the graph returns it: (1, Hkv, T, d). */
    public int[] cacheShape() {
        return new int[] {BATCH, config.kvHeads(), tokens, config.headDim()};
    }

    /** The shape of one layer's queries with the batch axis the graph carries: (1, H, T, d). */
    public int[] batchedQueryShape() {
        return new int[] {BATCH, config.heads(), tokens, config.headDim()};
    }

    /** Bytes of one layer's keys and values with {@code kvHeads} key/value heads: 2 · Hkv · T · d · 4. */
    public long cacheBytesPerLayer(int kvHeads) {
        return 2L * kvHeads * tokens * config.headDim() * FP32_BYTES;
    }

    /** Bytes of the whole model's key/value cache, every layer, with the model's own Hkv. */
    public long cacheBytes() {
        return cacheBytesPerLayer(config.kvHeads()) * config.layers();
    }

    /** The same cache if every query head had its own key/value head (Hkv = H, no grouping). */
    public long cacheBytesWithoutGrouping() {
        return cacheBytesPerLayer(config.heads()) * config.layers();
    }

    /**
     * Whether q_proj, k_proj and v_proj carry biases: Qwen2's do (Hugging Face's Qwen2Attention builds
     * them with bias=True; o_proj has none); Llama, Mistral and Qwen3 have none.
     */
    public boolean qkvBias() {
        return config.modelType().equals("qwen2");
    }

    /** q_proj: a D × (H·d) matrix, plus H·d biases where the family has them. */
    public long queryParameters() {
        long out = (long) config.heads() * config.headDim();
        return config.hidden() * out + (qkvBias() ? out : 0);
    }

    /** k_proj (v_proj is the same): a D × (Hkv·d) matrix, plus Hkv·d biases where the family has them. */
    public long keyParameters() {
        long out = (long) config.kvHeads() * config.headDim();
        return config.hidden() * out + (qkvBias() ? out : 0);
    }

    /** o_proj: an (H·d) × D matrix, no bias. */
    public long outputParameters() {
        return (long) config.heads() * config.headDim() * config.hidden();
    }

    /** q, k, v and o of one layer. */
    public long attentionParametersPerLayer() {
        return queryParameters() + 2 * keyParameters() + outputParameters();
    }

    /** The attention of every layer. */
    public long attentionParameters() {
        return attentionParametersPerLayer() * config.layers();
    }

    /**
     * Every parameter of the model, for the Llama-like families: the embedding (V × D), per layer the
     * attention, the gated MLP (3 · D · I) and two RMSNorm weights (2 · D), the final norm (D), and
     * lm_head (V × D) unless it is tied to the embedding. Empty for other families, whose layout
     * (biases, LayerNorm, position embeddings) this formula does not describe.
     */
    public OptionalLong totalParameters() {
        if (!LLAMA_LIKE.contains(config.modelType()) || config.intermediate() <= 0) {
            return OptionalLong.empty();
        }
        long d = config.hidden();
        long embedding = (long) config.vocab() * d;
        long perLayer = attentionParametersPerLayer() + 3 * d * config.intermediate() + 2 * d;
        long lmHead = config.tiedEmbeddings() ? 0 : embedding;
        return OptionalLong.of(embedding + perLayer * config.layers() + d + lmHead);
    }

    /** "1.17 MiB": two decimals, so the 7× of grouping can be checked by hand. */
    static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f MiB", bytes / (1024.0 * 1024.0));
    }

    /** "44.07 M". */
    static String millions(long count) {
        return String.format(java.util.Locale.ROOT, "%.2f M", count / 1e6);
    }
}
