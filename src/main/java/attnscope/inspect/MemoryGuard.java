package attnscope.inspect;

import attnscope.InputException;
import attnscope.model.ModelConfig;
import java.util.Locale;

/**
 * Refuses an inspection whose tensors would not fit in memory, before the model runs: patterns grow
 * with T², and the logits with T × vocabulary. The estimate counts what an inspection really holds
 * on the Java heap at its peak (float32, 4 bytes a value), per captured layer:
 * <pre>
 *   model side      q, z, q before rotary   3 · H·T·d
 *                   k, v, k before rotary   3 · Hkv·T·d
 *                   pattern, scores         2 · H·T² (scores: decomposed graphs, for the anatomy figure)
 *   reference side  pattern, z              H·T² + H·T·d
 * </pre>
 * plus, once: the logits twice (T·V from the hooked run, T·V from the untouched one) and one pattern
 * in flight (H·T²: ONNX Runtime's output is copied into a Java array and then reordered by head).
 * Measured with the 2-layer synthetic model of Qwen2.5's geometry at T = 1,500: the run needs a heap
 * between 560 and 640 MiB, the estimate is 660 MiB; the estimate before (model + reference patterns,
 * q, k, v, z: 514 MiB) admitted runs that died with OutOfMemoryError. The need is compared with
 * --max-memory and with what the Java heap (-Xmx) has free, whichever is smaller.
 */
public final class MemoryGuard {
    /** The default limit: 2 GiB of captured and recomputed tensors. */
    public static final long DEFAULT_LIMIT = 2L << 30;

    private MemoryGuard() {
    }

    /** Bytes an inspection holds at its peak (see the class comment); saturates at Long.MAX_VALUE. */
    public static long estimateBytes(ModelConfig c, int layers, int tokens) {
        double t = tokens;
        double h = c.heads();
        double hkv = c.kvHeads();
        double d = c.headDim();
        double pattern = h * t * t;
        double perLayer = 3 * h * t * d + 3 * hkv * t * d + 2 * pattern   // model side (pattern and scores)
                + pattern + h * t * d;                                  // reference side
        double once = 2 * t * c.vocab() + pattern;                      // logits twice, one pattern in flight
        double bytes = ((double) layers * perLayer + once) * Float.BYTES;
        return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(bytes);
    }

    /** Bytes the Java heap can still take: its maximum (-Xmx) less what is in use now. */
    public static long heapAvailable() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** Throws an input error naming the estimate and what to do when it exceeds the limit or the free heap. */
    public static void require(ModelConfig c, int layers, int tokens, long limitBytes) {
        require(c, layers, tokens, limitBytes, heapAvailable());
    }

    /** As {@link #require(ModelConfig, int, int, long)} with the heap's free bytes given. */
    static void require(ModelConfig c, int layers, int tokens, long limitBytes, long heapBytes) {
        long need = estimateBytes(c, layers, tokens);
        if (need <= limitBytes && need <= heapBytes) {
            return;
        }
        long logits = estimateBytes(c, 0, tokens) - estimateBytes(new ModelConfig(c.modelType(), c.hidden(), c.layers(), c.heads(),
                c.kvHeads(), c.headDim(), c.intermediate(), 0, c.ropeTheta(), c.normEps(), c.maxPositions(), c.tiedEmbeddings(),
                c.synthetic()), 0, tokens);
        String what = String.format(Locale.ROOT, "capturing %d layers × %d heads × %d² attention weights (with Q, K, V, z, "
                + "their recomputation and the logits) needs about %s", layers, c.heads(), tokens, size(need));
        if (logits > need / 2) {
            // Then fewer layers do not help: say where the memory goes.
            what += String.format(Locale.ROOT, ", of which %s are the logits (T × vocabulary %,d, from both runs)", size(logits), c.vocab());
        }
        String fewer = "choose fewer layers with --layers (e.g. --layers 0," + (c.layers() - 1) + ") or a shorter text";
        if (need > limitBytes) {
            throw new InputException(what + ", more than the limit of " + size(limitBytes) + " (--max-memory): " + fewer
                    + ", or raise --max-memory");
        }
        throw new InputException(what + ", more than the " + size(heapBytes) + " the Java heap has free (its maximum is "
                + size(Runtime.getRuntime().maxMemory()) + "): " + fewer + ", or give Java more memory (java -Xmx8g -jar …)");
    }

    /** A size in the binary unit that fits: "512 bytes", "1.0 KiB", "3.2 MiB", "1.9 GiB". */
    public static String size(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        if (bytes < 1024) {
            return bytes + (bytes == 1 ? " byte" : " bytes");
        }
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
