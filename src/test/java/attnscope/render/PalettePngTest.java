package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@link PalettePng}: exact for figures of up to 256 colours; beyond, the frequent colours (areas)
 * stay exact and each rare one (an anti-aliased edge) becomes its nearest kept colour.
 */
class PalettePngTest {
    static int[] decode(byte[] png, int width, int height) throws IOException {
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(width, back.getWidth());
        assertEquals(height, back.getHeight());
        return back.getRGB(0, 0, width, height, null, 0, width);
    }

    @Test
    void upTo256ColoursDecodeExactly() throws IOException {
        Random r = new Random(3);
        int w = 301;
        int h = 97;
        int[] px = FlatPngTest.image(r, w, h);
        int[] colours = new int[256];
        for (int i = 0; i < colours.length; i++) {
            colours[i] = r.nextInt(1 << 24);
        }
        for (int i = 0; i < px.length; i++) {
            px[i] = colours[Math.floorMod(px[i] * 31 + i / 50, 256)] | (r.nextBoolean() ? 0xFF000000 : 0);
        }
        int[] got = decode(PalettePng.encode(px, 0, w, h, 6), w, h);
        for (int i = 0; i < px.length; i++) {
            assertEquals(px[i] & 0xFFFFFF, got[i] & 0xFFFFFF, "pixel " + i);
        }
    }

    @Test
    void rareColoursTakeTheNearestFrequentOneAndFrequentOnesStayExact() throws IOException {
        int w = 400;
        int h = 300;
        int[] px = new int[w * h];
        // 300 frequent colours in bands (more than a palette holds), then single rare pixels.
        for (int i = 0; i < px.length; i++) {
            int band = i / 400;
            px[i] = 0x010203 * (band % 300) & 0xFFFFFF;
        }
        int rare = 0x050A0F + 0x010101; // close to band 5's colour 0x050A0F
        px[17] = rare;
        int[] got = decode(PalettePng.encode(px, 0, w, h, 6), w, h);
        long exact = 0;
        for (int i = 0; i < px.length; i++) {
            if ((got[i] & 0xFFFFFF) == px[i]) {
                exact++;
            }
        }
        assertTrue(exact >= px.length - 44 * 400 - 1, "256 of the 300 bands keep their colour: " + exact);
        int g = got[17] & 0xFFFFFF;
        int distance = Math.abs((g >> 16) - (rare >> 16)) + Math.abs(((g >> 8) & 255) - ((rare >> 8) & 255))
                + Math.abs((g & 255) - (rare & 255));
        assertTrue(distance <= 6, "the rare pixel takes a near colour: " + Integer.toHexString(g));
    }

    @Test
    void aFigureIsSmallerThanRgbAndTheSameBytesEveryTime() {
        FigureOptions options = FigureOptions.defaults();
        var r = RenderFixtures.inspection(RenderFixtures.config(1, 2, 1, true), RenderFixtures.tokens(13), true, 1);
        PatternSet set = LessonFigures.patternSets(r).get(0);
        HeatmapFigure.Layout layout = HeatmapFigure.Layout.of(set.labels(), set.labels(), options);
        BufferedImage image = FigureWriter.raster(LessonFigures.headFigure(set, 0, layout, options));
        byte[] palette = FigureWriter.png(image, FigureOptions.DEFAULT_PNG_LEVEL);
        byte[] rgb = FigureWriter.png(image, FigureOptions.FAST_PNG);
        assertTrue(palette.length * 3 < rgb.length, palette.length + " vs " + rgb.length);
        assertArrayEquals(palette, FigureWriter.png(FigureWriter.raster(LessonFigures.headFigure(set, 0, layout, options)),
                FigureOptions.DEFAULT_PNG_LEVEL));
    }
}
