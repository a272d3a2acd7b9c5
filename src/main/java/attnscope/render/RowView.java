package attnscope.render;

import attnscope.inspect.InspectionResult;
import attnscope.output.FileSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The row view: one query token's attention weights over the keys, as bars, for chosen heads of
 * one layer ({@code row_layer{LL}_q{QQ}.png}). It answers "where does ‘it’ look?".
 */
public final class RowView {
    private RowView() {
    }

    /** "row_layer05_q08": layer and query position, never the token text. */
    public static String fileName(int layer, int query) {
        return String.format("row_layer%02d_q%02d", layer, query);
    }

    /**
     * Writes the row view of query position {@code query} in {@code layer} for {@code heads}
     * (all heads of the layer when empty), in every format of the options.
     */
    public static List<Path> write(InspectionResult result, int layer, int query, List<Integer> heads, Path figuresDir,
            FigureOptions options) {
        return write(result, layer, query, heads, figuresDir, options, FileSink.ATOMIC);
    }

    /** As {@link #write(InspectionResult, int, int, List, Path, FigureOptions)}, the files going through {@code sink}. */
    public static List<Path> write(InspectionResult result, int layer, int query, List<Integer> heads, Path figuresDir,
            FigureOptions options, FileSink sink) {
        FigureOptions opts = options.forModel(result.config());
        PatternSet set = null;
        for (PatternSet s : LessonFigures.patternSets(result)) {
            if (s.layer() == layer) {
                set = s;
            }
        }
        if (set == null) {
            throw new IllegalArgumentException("Layer " + layer + " was not captured; captured: " + result.layers());
        }
        List<Integer> chosen = heads;
        if (chosen.isEmpty()) {
            chosen = new ArrayList<>();
            for (int h = 0; h < set.heads(); h++) {
                chosen.add(h);
            }
        }
        return FigureWriter.write(new RowViewFigure(set, query, chosen, opts), figuresDir, fileName(layer, query), opts, sink);
    }

    /**
     * The query position named by {@code spec}: a number is a position; anything else is a token
     * text matched against the decoded tokens without their leading space ("it" finds "Ġit"), the
     * first match winning.
     *
     * @throws IllegalArgumentException when the position is out of range or no token matches
     */
    public static int resolveQuery(List<String> tokens, String spec) {
        String s = spec.strip();
        if (s.matches("\\d+")) {
            int q;
            try {
                q = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                q = Integer.MAX_VALUE;
            }
            if (q >= tokens.size()) {
                throw new IllegalArgumentException("Query position " + s + " outside 0.." + (tokens.size() - 1)
                        + " (the text has " + tokens.size() + " tokens)");
            }
            return q;
        }
        for (int i = 0; i < tokens.size(); i++) {
            if (TokenLabels.decodeByteLevel(tokens.get(i)).strip().equals(s)) {
                return i;
            }
        }
        throw new IllegalArgumentException("No token \"" + s + "\" in the text; its tokens are "
                + TokenLabels.display(tokens));
    }
}
