package attnscope.render;

import java.util.List;

/**
 * How an attention weight w ∈ [0, 1] becomes a position t ∈ [0, 1] on the colour map.
 *
 * <ul>
 *   <li>{@link #LINEAR}: t = w, fixed to [0, 1] for every head, so heads can be compared.</li>
 *   <li>{@link #LOG}: t = (log₁₀ w + 4) / 4, clamped: the decades 10⁻⁴ … 1 get equal room, so
 *       small weights that linear colour hides become visible.</li>
 *   <li>{@link #ROW}: t = w / max(row): each query row is stretched to its own largest weight,
 *       which shows where a row looks even when it spreads its weight thinly.</li>
 * </ul>
 */
public enum ColorScale {
    LINEAR("attention weight"),
    LOG("attention weight (log scale)"),
    ROW("weight ÷ largest weight in its row");

    /** log₁₀ of the smallest weight the log scale distinguishes from zero. */
    static final int LOG_DECADES = 4;

    private final String label;

    ColorScale(String label) {
        this.label = label;
    }

    /** What the colour bar measures, for its caption. */
    public String label() {
        return label;
    }

    /**
     * The colour-map position of weight {@code w}.
     *
     * @param rowMax the largest unmasked weight in w's row (used only by {@link #ROW})
     */
    public double position(float w, float rowMax) {
        double t;
        switch (this) {
            case LOG:
                t = w > 0 ? (Math.log10(w) + LOG_DECADES) / LOG_DECADES : 0;
                break;
            case ROW:
                t = rowMax > 0 ? w / rowMax : 0;
                break;
            default:
                t = w;
        }
        return t < 0 ? 0 : t > 1 ? 1 : t;
    }

    /** A tick on the colour bar: its position t and its text. */
    public record Tick(double position, String text) {
    }

    /** The colour bar's ticks, low to high. */
    public List<Tick> ticks() {
        switch (this) {
            case LOG:
                return List.of(new Tick(0, "≤ 0.0001"), new Tick(0.25, "0.001"), new Tick(0.5, "0.01"),
                        new Tick(0.75, "0.1"), new Tick(1, "1"));
            case ROW:
                return List.of(new Tick(0, "0"), new Tick(0.5, "½ row max"), new Tick(1, "row max"));
            default:
                return List.of(new Tick(0, "0"), new Tick(0.25, "0.25"), new Tick(0.5, "0.5"),
                        new Tick(0.75, "0.75"), new Tick(1, "1"));
        }
    }

    /** Parses "linear", "log" or "row" (any case). */
    public static ColorScale parse(String text) {
        for (ColorScale s : values()) {
            if (s.name().equalsIgnoreCase(text.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException("Expected a colour scale linear, log or row but found \"" + text + "\"");
    }
}
