package attnscope.render;

import java.util.Locale;

/**
 * Projector mode: figures laid out for a lecture hall instead of a page. Every figure is a
 * landscape canvas of the projector's shape at 1080 px high (16:9: 1920 × 1080, 4:3: 1440 × 1080),
 * every text on it is at least {@link #MIN_TEXT_PX} px (FigureStyle refuses to draw smaller text,
 * so no layout can slip), token labels that would be smaller are decimated (every k-th position),
 * and a window can crop the queries and keys shown.
 *
 * @param width  canvas width in px
 * @param height canvas height in px (1080)
 * @param window the query and key range to show, or null for all
 */
public record Projector(int width, int height, Window window) {
    /** The smallest text on a projector figure shown at 1920 × 1080 (or 1440 × 1080 for 4:3). */
    public static final int MIN_TEXT_PX = 24;
    /** The projected height every projector figure is laid out for. */
    public static final int HEIGHT = 1080;

    public Projector {
        if (width < 800 || height < 600) {
            throw new IllegalArgumentException("Expected a projector canvas of at least 800 × 600 px but found " + width + " × " + height);
        }
    }

    /** "16:9" → 1920 × 1080, "4:3" → 1440 × 1080. */
    public static Projector ofAspect(String aspect) {
        return switch (aspect.strip()) {
            case "16:9" -> new Projector(1920, HEIGHT, null);
            case "4:3" -> new Projector(1440, HEIGHT, null);
            default -> throw new IllegalArgumentException("Expected --aspect 16:9 or 4:3 but found \"" + aspect + "\"");
        };
    }

    public Projector withWindow(Window w) {
        return new Projector(width, height, w);
    }

    /**
     * The scale of projector figures relative to the default 1600 px heatmap: the smallest text any
     * figure draws (colour-bar ticks, 20 units) comes out at {@link #MIN_TEXT_PX}.
     */
    public double unit() {
        return MIN_TEXT_PX / 20.0 * height / HEIGHT;
    }

    /** The smallest text in px on this canvas (24 px when shown 1080 px high). */
    public double minTextPx() {
        return MIN_TEXT_PX * height / (double) HEIGHT;
    }

    /**
     * A range of query rows [q0, q1) and key columns [k0, k1), half-open like a Python slice:
     * "--window 40:60" shows queries 40–59 over keys 0–59 (the keys they can see), and
     * "--window 40:60,30:60" keys 30–59.
     */
    public record Window(int q0, int q1, int k0, int k1) {
        public Window {
            if (q0 < 0 || q1 <= q0 || k0 < 0 || k1 <= k0) {
                throw new IllegalArgumentException("Expected a window Q0:Q1[,K0:K1] with 0 ≤ Q0 < Q1 and 0 ≤ K0 < K1 but found "
                        + q0 + ":" + q1 + "," + k0 + ":" + k1);
            }
        }

        /** Parses "Q0:Q1" or "Q0:Q1,K0:K1". */
        public static Window parse(String text) {
            String[] parts = text.strip().split(",");
            if (parts.length > 2) {
                throw new IllegalArgumentException("Expected --window Q0:Q1[,K0:K1] but found \"" + text + "\"");
            }
            int[] q = range(parts[0], text);
            int[] k = parts.length == 2 ? range(parts[1], text) : new int[] {0, q[1]};
            return new Window(q[0], q[1], k[0], k[1]);
        }

        private static int[] range(String part, String text) {
            String[] ab = part.strip().split(":");
            try {
                if (ab.length != 2) {
                    throw new NumberFormatException();
                }
                return new int[] {Integer.parseInt(ab[0].strip()), Integer.parseInt(ab[1].strip())};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Expected --window Q0:Q1[,K0:K1] (e.g. 40:60 or 40:60,0:60) but found \""
                        + text + "\"");
            }
        }

        /** This window clipped to a T × T pattern; an error when it starts past the end. */
        public Window clip(int t) {
            if (q0 >= t || k0 >= t) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "--window %d:%d,%d:%d starts past the text's %d tokens", q0, q1, k0, k1, t));
            }
            return new Window(q0, Math.min(q1, t), k0, Math.min(k1, t));
        }
    }
}
