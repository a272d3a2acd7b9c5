package attnscope.render;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The file formats a figure can be written in: PNG for projecting, SVG and PDF for print and slides. */
public enum FigureFormat {
    PNG("png"),
    SVG("svg"),
    PDF("pdf");

    private final String extension;

    FigureFormat(String extension) {
        this.extension = extension;
    }

    /** The file name extension, without the dot. */
    public String extension() {
        return extension;
    }

    /** Parses a comma-separated list such as "png,svg,pdf" (any case, any order). */
    public static Set<FigureFormat> parseList(String text) {
        Set<FigureFormat> formats = EnumSet.noneOf(FigureFormat.class);
        for (String part : text.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            FigureFormat found = null;
            for (FigureFormat f : values()) {
                if (f.extension.equals(p)) {
                    found = f;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("Expected formats from png, svg, pdf but found \"" + part.strip() + "\"");
            }
            formats.add(found);
        }
        if (formats.isEmpty()) {
            throw new IllegalArgumentException("Expected at least one format (png, svg, pdf) but found \"" + text + "\"");
        }
        return formats;
    }
}
