package attnscope.attention;

/**
 * Grouped-query attention: H query heads share Hkv key/value heads, H/Hkv query heads per
 * group. In Qwen2.5-0.5B, 14 query heads share 2 KV heads, 7 each: query head h reads key/value
 * head h / 7. Multi-head attention is the special case Hkv = H.
 */
public final class GroupedQuery {
    private GroupedQuery() {
    }

    /** Query heads per key/value head, H/Hkv; H must be a multiple of Hkv. */
    public static int groupSize(int heads, int kvHeads) {
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("Expected the query heads (" + heads
                    + ") to be a positive multiple of the key/value heads (" + kvHeads + ")");
        }
        return heads / kvHeads;
    }

    /** The key/value head that query head h reads: h / (H/Hkv). */
    public static int kvHeadFor(int head, int heads, int kvHeads) {
        if (head < 0 || head >= heads) {
            throw new IndexOutOfBoundsException("Query head " + head + " outside 0.." + (heads - 1));
        }
        return head / groupSize(heads, kvHeads);
    }

    /**
     * Repeats each key/value head H/Hkv times, turning (Hkv, T, d) into (H, T, d): what the
     * model would need without grouping. Used to show GQA ≡ multi-head attention with
     * repeated K/V; the reference itself indexes the shared head and copies nothing.
     */
    public static float[] repeatKv(float[] kv, int kvHeads, int heads) {
        int group = groupSize(heads, kvHeads);
        if (kv.length % kvHeads != 0) {
            throw new IllegalArgumentException("Expected " + kvHeads + " equal key/value heads but found " + kv.length + " values");
        }
        int per = kv.length / kvHeads;
        float[] out = new float[per * heads];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(kv, (h / group) * per, out, h * per, per);
        }
        return out;
    }
}
