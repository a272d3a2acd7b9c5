package attnscope.toy;

import attnscope.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape exercises: for T tokens and a model's H query heads, Hkv key/value heads, head
 * dimension d and L layers, the shape of every attention tensor and the size of the score
 * matrices, which grow as T².
 *
 * <p>Per layer: Q (H, T, d), K and V (Hkv, T, d), scores and pattern (H, T, T), z (H, T, d),
 * concat(z) (T, H·d). Score entries per layer H·T², in fp32 4·H·T² bytes; the model holds
 * L times that when every layer's pattern is kept (as the inspector does).
 */
public record AttentionShapes(ModelConfig config, int tokens) {
    /** Bytes per fp32 number. */
    public static final int FP32_BYTES = 4;

    public AttentionShapes {
        if (tokens <= 0) {
            throw new InvalidToyInputException("the number of tokens must be positive but found " + tokens);
        }
        // Every count below is exact in a long (the whole model's score bytes, 4·L·H·T², being the
        // largest): a length beyond that is refused, never printed as a wrapped-around negative number.
        try {
            Math.multiplyExact(Math.multiplyExact(Math.multiplyExact((long) tokens, tokens), (long) config.heads() * FP32_BYTES),
                    (long) config.layers());
            Math.multiplyExact(Math.multiplyExact(2L * config.kvHeads(), tokens), (long) config.headDim());
        } catch (ArithmeticException e) {
            throw new InvalidToyInputException(String.format(java.util.Locale.ROOT,
                    "T = %,d tokens: the scores of %d layers × %d heads would take %.3g bytes, more than attnscope counts exactly "
                            + "(2⁶³ − 1 bytes, 8 EiB); T can be at most %,d for this model",
                    tokens, config.layers(), config.heads(), 4.0 * config.layers() * config.heads() * tokens * (double) tokens,
                    largestTokens(config)));
        }
    }

    /** The largest T whose counts are exact: 4·L·H·T² ≤ 2⁶³ − 1 (and 2·Hkv·T·d, which is smaller). */
    static long largestTokens(ModelConfig config) {
        long perToken2 = (long) config.layers() * config.heads() * FP32_BYTES;
        long t = (long) Math.sqrt((double) Long.MAX_VALUE / perToken2);
        while (t * t > Long.MAX_VALUE / perToken2) { // the double square root may round up
            t--;
        }
        return Math.min(t, Integer.MAX_VALUE);
    }

    public int heads() {
        return config.heads();
    }

    public int kvHeads() {
        return config.kvHeads();
    }

    public int headDim() {
        return config.headDim();
    }

    public int layers() {
        return config.layers();
    }

    /** (T, d): one head's queries, keys, values or output. */
    public int[] perHeadVectors() {
        return new int[] {tokens, headDim()};
    }

    /** (T, T): one head's scores or pattern. */
    public int[] perHeadScores() {
        return new int[] {tokens, tokens};
    }

    /** (H, T, d) */
    public int[] q() {
        return new int[] {heads(), tokens, headDim()};
    }

    /** (Hkv, T, d) */
    public int[] kv() {
        return new int[] {kvHeads(), tokens, headDim()};
    }

    /** (H, T, T) */
    public int[] scores() {
        return new int[] {heads(), tokens, tokens};
    }

    /** (H, T, d) */
    public int[] z() {
        return q();
    }

    /** (T, H·d): the input of the output projection. */
    public int[] concat() {
        return new int[] {tokens, heads() * headDim()};
    }

    /** H·T² score entries in one layer. */
    public long scoreEntriesPerLayer() {
        return (long) heads() * tokens * tokens;
    }

    public long scoreBytesPerLayer() {
        return scoreEntriesPerLayer() * FP32_BYTES;
    }

    public long scoreEntriesModel() {
        return scoreEntriesPerLayer() * layers();
    }

    public long scoreBytesModel() {
        return scoreBytesPerLayer() * layers();
    }

    /** K and V of one layer: 2·Hkv·T·d numbers, linear in T. */
    public long kvEntriesPerLayer() {
        return 2L * kvHeads() * tokens * headDim();
    }

    /** The same model at another length. */
    public AttentionShapes withTokens(int t) {
        return new AttentionShapes(config, t);
    }

    /**
     * The growth table's lengths: from {@code start}, doubling, while below {@code upTo}, then
     * {@code upTo} itself (50, 100, 200, …, 25600, 32768 for Qwen2.5).
     */
    public static List<Integer> doublings(int start, int upTo) {
        if (start <= 0 || upTo < start) {
            throw new InvalidToyInputException("expected 0 < start ≤ end for the growth table but found " + start + " and " + upTo);
        }
        List<Integer> out = new ArrayList<>();
        for (long t = start; t < upTo; t *= 2) {
            out.add((int) t);
        }
        out.add(upTo);
        return out;
    }
}
