package attnscope.render;

import attnscope.model.ModelConfig;
import java.util.EnumSet;
import java.util.Set;

/**
 * How figures are drawn and written.
 *
 * @param formats         the files written for each figure (PNG always useful for projecting)
 * @param scale           how weights map to colours
 * @param size            side of a head heatmap in pixels (1600 reads well on a projector);
 *                        grids, the overview and row views scale from it
 * @param syntheticLabel  a banner drawn on every figure, or null; figures of a synthetic model
 *                        always carry {@link #SYNTHETIC_LABEL} (see {@link #forModel})
 * @param pngCompression  1–9: the deflate level of the palette PNG ({@link PalettePng}), by default
 *                        {@link #DEFAULT_PNG_LEVEL}; {@link #FAST_PNG} (0): 24-bit RGB by
 *                        attnscope's own encoder {@link FlatPng}, lossless and fastest, files ~5× larger
 * @param threads         figures drawn in parallel
 * @param projector       projector mode (landscape canvas, text ≥ 24 px at 1080 px high, a window), or
 *                        null for the default figures
 */
public record FigureOptions(Set<FigureFormat> formats, ColorScale scale, int size, String syntheticLabel,
        int pngCompression, int threads, Projector projector) {

    /** The banner on figures of a model with random weights: they must never pass for Qwen's. */
    public static final String SYNTHETIC_LABEL = "SYNTHETIC MODEL — random weights, not Qwen";

    /** The PNG "compression level" that selects {@link FlatPng}: RGB, lossless, fast, large files. */
    public static final int FAST_PNG = 0;

    /**
     * The deflate level of the palette PNG, chosen with scripts/measure-figures.sh (24 × 14 heads,
     * T = 13, 361 PNGs, 2 threads, one busy machine): level 1 37.9 MB in 27.5 s, 3 29.4 MB in 31.9 s,
     * 4 37.0 MB in 38.2 s, 6 21.9 MB in 43.3 s; FlatPng's RGB ({@link #FAST_PNG}) 117 MB in 17.5 s.
     * Level 6 is the only one within issue 18's 25 MB.
     */
    public static final int DEFAULT_PNG_LEVEL = 6;

    /** Smallest head heatmap side that still leaves room for labels. */
    public static final int MIN_SIZE = 400;

    public FigureOptions {
        if (formats == null || formats.isEmpty()) {
            throw new IllegalArgumentException("Expected at least one figure format");
        }
        formats = Set.copyOf(EnumSet.copyOf(formats));
        if (scale == null) {
            throw new IllegalArgumentException("Expected a colour scale");
        }
        if (size < MIN_SIZE || size > 8000) {
            throw new IllegalArgumentException("Expected a figure size between " + MIN_SIZE + " and 8000 px but found " + size);
        }
        if (pngCompression < 0 || pngCompression > 9) {
            throw new IllegalArgumentException("Expected a PNG compression level 0–9 but found " + pngCompression);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("Expected at least 1 thread but found " + threads);
        }
    }

    /** PNG only, linear scale, 1600 px, the palette PNG at its default level, one thread per core. */
    public static FigureOptions defaults() {
        return new FigureOptions(EnumSet.of(FigureFormat.PNG), ColorScale.LINEAR, 1600, null, DEFAULT_PNG_LEVEL,
                Runtime.getRuntime().availableProcessors(), null);
    }

    public FigureOptions withFormats(Set<FigureFormat> f) {
        return new FigureOptions(f, scale, size, syntheticLabel, pngCompression, threads, projector);
    }

    public FigureOptions withScale(ColorScale s) {
        return new FigureOptions(formats, s, size, syntheticLabel, pngCompression, threads, projector);
    }

    public FigureOptions withSize(int px) {
        return new FigureOptions(formats, scale, px, syntheticLabel, pngCompression, threads, projector);
    }

    public FigureOptions withSyntheticLabel(String label) {
        return new FigureOptions(formats, scale, size, label, pngCompression, threads, projector);
    }

    /** {@link #FAST_PNG} (0) or a palette PNG's deflate level 1–9. */
    public FigureOptions withPngCompression(int level) {
        return new FigureOptions(formats, scale, size, syntheticLabel, level, threads, projector);
    }

    public FigureOptions withThreads(int n) {
        return new FigureOptions(formats, scale, size, syntheticLabel, pngCompression, n, projector);
    }

    /** Projector mode ({@link Projector}), or null for the default figures. */
    public FigureOptions withProjector(Projector p) {
        return new FigureOptions(formats, scale, size, syntheticLabel, pngCompression, threads, p);
    }

    /** The unit of a figure's geometry: size/1600 by default, {@link Projector#unit()} in projector mode. */
    double unit() {
        return projector == null ? size / 1600.0 : projector.unit();
    }

    /** The smallest text a figure may draw: 0 by default, 24 px at 1080 px high in projector mode. */
    double minTextPx() {
        return projector == null ? 0 : projector.minTextPx();
    }

    /** A font size no smaller than the projector's minimum. */
    float textPx(double px) {
        return (float) Math.max(minTextPx(), px);
    }

    /** These options for figures of {@code config}'s model: a synthetic model gets the synthetic banner. */
    public FigureOptions forModel(ModelConfig config) {
        if (config.synthetic() && (syntheticLabel == null || syntheticLabel.isBlank())) {
            return withSyntheticLabel(SYNTHETIC_LABEL);
        }
        return this;
    }

    /** Orders formats PNG, SVG, PDF (a stable order for the returned paths). */
    Set<FigureFormat> orderedFormats() {
        return EnumSet.copyOf(formats);
    }
}
