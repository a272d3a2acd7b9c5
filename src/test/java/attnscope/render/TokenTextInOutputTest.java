package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.inspect.InspectionResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token strings come from the user's text and from the model's tokenizer.json: anything at all.
 * They must never choose where a file goes, and never become markup in an SVG figure.
 */
class TokenTextInOutputTest {
    /** Tokens that would escape a folder, end a file name early, or inject markup if used as they are. */
    static final List<String> HOSTILE = List.of("../../etc/passwd", "/abs", "..\\..\\win", "a\u0000b", "<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>", "CON", "Ġ../", "\u202Eevil", "&amp;", "]]>");

    @Test
    void figureFilesAreNamedByLayerHeadAndPositionOnly(@TempDir Path tmp) throws IOException {
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(2, 2, 1, false), HOSTILE, true, 5);
        Path dir = tmp.resolve("figures");
        FigureOptions opts = FigureOptions.defaults().withSize(FigureOptions.MIN_SIZE).withThreads(2)
                .withFormats(EnumSet.of(FigureFormat.PNG, FigureFormat.SVG));
        List<Path> files = new ArrayList<>(LessonFigures.writeAll(r, dir, opts));
        files.addAll(RowView.write(r, 1, 4, List.of(), dir, opts));
        for (Path f : files) {
            assertEquals(dir, f.getParent(), "inside the figures folder: " + f);
            assertTrue(f.getFileName().toString().matches("(layer\\d\\d_(head\\d\\d|grid)|overview|row_layer\\d\\d_q\\d\\d)\\.(png|svg)"),
                    f.getFileName().toString());
        }
        try (Stream<Path> all = Files.walk(tmp)) {
            assertEquals(files.size(), all.filter(Files::isRegularFile).count(), "no file anywhere else");
        }
        for (String name : List.of("layer00_head00.svg", "row_layer01_q04.svg", "overview.svg")) {
            String svg = Files.readString(dir.resolve(name));
            assertFalse(svg.contains("<script") || svg.contains("<img") || svg.contains("]]>"), name + " holds raw markup");
            assertTrue(svg.contains("&lt;script&gt;") || name.startsWith("overview"), name + " shows the token, escaped");
        }
    }
}
