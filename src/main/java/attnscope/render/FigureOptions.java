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
 * @param pngCompression  {@link #FAST_PNG} (the default): attnscope's own encoder for flat-coloured
 *                        figures, several times faster than deflate at any level, files a little
 *                        larger; any other value 0–9 is a deflate level (9: smallest files, slowest)
 * @param threads         figures drawn in parallel
 */
public record FigureOptions(Set<FigureFormat> formats, ColorScale scale, int size, String syntheticLabel,
        int pngCompression, int threads) {

    /** The banner on figures of a model with random weights: they must never pass for Qwen's. */
    public static final String SYNTHETIC_LABEL = "SYNTHETIC MODEL — random weights, not Qwen";

    /** The PNG "compression level" that selects {@link FlatPng}, the fast encoder for figures. */
    public static final int FAST_PNG = 1;

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

    /** PNG only, linear scale, 1600 px, the fast PNG encoder, one thread per core. */
    public static FigureOptions defaults() {
        return new FigureOptions(EnumSet.of(FigureFormat.PNG), ColorScale.LINEAR, 1600, null, FAST_PNG,
                Runtime.getRuntime().availableProcessors());
    }

    public FigureOptions withFormats(Set<FigureFormat> f) {
        return new FigureOptions(f, scale, size, syntheticLabel, pngCompression, threads);
    }

    public FigureOptions withScale(ColorScale s) {
        return new FigureOptions(formats, s, size, syntheticLabel, pngCompression, threads);
    }

    public FigureOptions withSize(int px) {
        return new FigureOptions(formats, scale, px, syntheticLabel, pngCompression, threads);
    }

    public FigureOptions withSyntheticLabel(String label) {
        return new FigureOptions(formats, scale, size, label, pngCompression, threads);
    }

    public FigureOptions withThreads(int n) {
        return new FigureOptions(formats, scale, size, syntheticLabel, pngCompression, n);
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
