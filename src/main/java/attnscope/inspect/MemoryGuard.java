package attnscope.inspect;

import attnscope.InputException;
import attnscope.model.ModelConfig;

/**
 * Refuses an inspection whose captured tensors would not fit: patterns grow with T², and every
 * captured layer keeps H·T² weights and H·T² pre-softmax scores on the model side and H·T² weights
 * on the reference side, plus Q, K, V and z (H·T·d + 2·Hkv·T·d + H·T·d each side).
 * 24 × 14 × 1000² × 4 B × 3 ≈ 4.0 GB.
 */
public final class MemoryGuard {
    /** The default limit: 2 GiB of captured and recomputed tensors. */
    public static final long DEFAULT_LIMIT = 2L << 30;

    private MemoryGuard() {
    }

    /** Bytes of float32 tensors an inspection keeps (model side and reference side). */
    public static long estimateBytes(ModelConfig c, int layers, int tokens) {
        long t = tokens;
        long patterns = 3L * c.heads() * t * t;                                  // model pattern and scores + reference (H, T, T)
        long vectors = (long) c.heads() * t * c.headDim() * 3                   // q, z model, z reference
                + 2L * c.kvHeads() * t * c.headDim();                           // k, v
        return layers * (patterns + vectors) * Float.BYTES;
    }

    /** Throws an input error naming the estimate and what to do when it exceeds the limit. */
    public static void require(ModelConfig c, int layers, int tokens, long limitBytes) {
        long need = estimateBytes(c, layers, tokens);
        if (need > limitBytes) {
            throw new InputException(String.format(java.util.Locale.ROOT,
                    "capturing %d layers × %d heads × %d² attention weights needs about %.1f GiB, more than the limit of %.1f GiB: "
                            + "choose fewer layers with --layers (e.g. --layers 0,%d), a shorter text, or raise --max-memory",
                    layers, c.heads(), tokens, need / (double) (1L << 30), limitBytes / (double) (1L << 30), c.layers() - 1));
        }
    }
}
