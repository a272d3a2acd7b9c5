package attnscope.capture;

import attnscope.tensor.Tensor;
import java.util.Collections;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Captured tensors by hook name. One cache holds what the model computed, another what the
 * reference recomputed; checks compare the same key on both sides.
 */
public final class ActivationCache {
    private final SortedMap<HookName, Tensor> tensors = new TreeMap<>();

    public void put(HookName name, Tensor tensor) {
        tensors.put(name, tensor);
    }

    public void put(int layer, Site site, Tensor tensor) {
        put(new HookName(layer, site), tensor);
    }

    public boolean has(int layer, Site site) {
        return tensors.containsKey(new HookName(layer, site));
    }

    public Tensor get(int layer, Site site) {
        Tensor t = tensors.get(new HookName(layer, site));
        if (t == null) {
            throw new NoSuchElementException("Nothing captured for " + new HookName(layer, site));
        }
        return t;
    }

    public Map<HookName, Tensor> all() {
        return Collections.unmodifiableSortedMap(tensors);
    }

    /** Layers present in the cache, ascending. */
    public int[] layers() {
        return tensors.keySet().stream().mapToInt(HookName::layer).distinct().sorted().toArray();
    }
}
