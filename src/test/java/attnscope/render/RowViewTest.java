package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.inspect.InspectionResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowViewTest {
    @TempDir
    Path tmp;

    @Test
    void findsTheQueryByPositionOrByTokenText() {
        List<String> tokens = RenderFixtures.ANIMAL_TOKENS;
        assertEquals(8, RowView.resolveQuery(tokens, "it"));
        assertEquals(8, RowView.resolveQuery(tokens, " 8 "));
        assertEquals(0, RowView.resolveQuery(tokens, "The"));
        assertEquals(5, RowView.resolveQuery(tokens, "the"), "case matters: 'the' is position 5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RowView.resolveQuery(tokens, "13"));
        assertEquals("Query position 13 outside 0..12 (the text has 13 tokens)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RowView.resolveQuery(tokens, "zebra"));
        assertThrows(IllegalArgumentException.class, () -> RowView.resolveQuery(tokens, "99999999999999"));
    }

    @Test
    void drawsOneQueryRowForTheChosenHeads() throws IOException {
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(2, 4, 2, false), RenderFixtures.ANIMAL_TOKENS,
                true, 2);
        FigureOptions options = FigureOptions.defaults().withFormats(EnumSet.of(FigureFormat.PNG, FigureFormat.SVG));
        List<Path> files = RowView.write(r, 1, 8, List.of(0, 3), tmp, options);
        assertEquals(List.of(tmp.resolve("row_layer01_q08.png"), tmp.resolve("row_layer01_q08.svg")), files);
        BufferedImage png = ImageIO.read(files.get(0).toFile());
        assertEquals(2000, png.getWidth());
        String svg = Files.readString(files.get(1), StandardCharsets.UTF_8);
        assertTrue(svg.contains("query 8 “␣it”"), "title names the query");
        assertTrue(svg.contains(">head 0<") && svg.contains(">head 3<"));
        assertTrue(!svg.contains(">head 1<"), "only the chosen heads");
    }

    @Test
    void refusesHeadsAndLayersThatDoNotExist() {
        InspectionResult r = RenderFixtures.inspection(RenderFixtures.config(1, 2, 1, false), RenderFixtures.tokens(4), true, 2);
        FigureOptions o = FigureOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> RowView.write(r, 0, 1, List.of(2), tmp, o));
        assertThrows(IllegalArgumentException.class, () -> RowView.write(r, 1, 1, List.of(0), tmp, o));
        assertThrows(IllegalArgumentException.class, () -> RowView.write(r, 0, 4, List.of(0), tmp, o));
    }
}
