package attnscope.capture;

/** One captured tensor: a site in a layer, written "layer3.pattern" (cf. blocks.3.attn.hook_pattern). */
public record HookName(int layer, Site site) implements Comparable<HookName> {
    public HookName {
        if (layer < 0) {
            throw new IllegalArgumentException("Layer must be ≥ 0 but found " + layer);
        }
    }

    @Override
    public String toString() {
        return "layer" + layer + "." + site.shortName();
    }

    @Override
    public int compareTo(HookName o) {
        int c = Integer.compare(layer, o.layer);
        return c != 0 ? c : site.compareTo(o.site);
    }
}
