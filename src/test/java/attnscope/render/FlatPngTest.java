package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link FlatPng} writes valid PNG (checksums included) that decodes to exactly the pixels given. */
class FlatPngTest {

    /** Flat runs, repeated rows, diagonal lines, noise: every kind of copy and literals. */
    static int[] image(Random r, int width, int height) {
        int[] px = new int[width * height];
        int[] palette = {0xFFFFFF, 0x222222, 0x440154, 0xFDE725, 0xE4E4E4, 0xA8A8A8};
        for (int y = 0; y < height; y++) {
            int kind = r.nextInt(5);
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                px[i] = switch (kind) {
                    case 0 -> y > 0 ? px[i - width] : palette[0];                          // the row above
                    case 1 -> palette[(x / (1 + r.nextInt(9))) % palette.length];       // runs
                    case 2 -> (x + y) % 7 == 0 ? palette[5] : palette[4];               // hatching
                    case 3 -> r.nextInt(1 << 24);                                        // noise
                    default -> r.nextInt(10) == 0 ? r.nextInt(1 << 24) : palette[2];    // mostly flat
                };
                px[i] |= r.nextBoolean() ? 0xFF000000 : 0; // the alpha byte of INT_RGB is not part of the image
            }
        }
        return px;
    }

    static void assertDecodesTo(byte[] png, int[] px, int offset, int width, int height) throws IOException {
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(width, back.getWidth());
        assertEquals(height, back.getHeight());
        int[] got = back.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < width * height; i++) {
            assertEquals(px[offset + i] & 0xFFFFFF, got[i] & 0xFFFFFF, "pixel " + i);
        }
        // zlib checks its Adler-32 at the end of the stream (ImageIO does not say).
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        Inflater inflater = new Inflater();
        while (b.remaining() > 0) {
            int length = b.getInt();
            String type = new String(png, b.position(), 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (type.equals("IDAT")) {
                inflater.setInput(png, b.position() + 4, length);
            }
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(png, b.position(), 4 + length);
            b.position(b.position() + 4 + length);
            assertEquals((int) crc.getValue(), b.getInt(), type + " CRC");
        }
        byte[] raw = new byte[(1 + 3 * width) * height];
        try {
            assertEquals(raw.length, inflater.inflate(raw));
            assertTrue(inflater.finished(), "the stream ends, its Adler-32 checked");
        } catch (DataFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = 60)
    void decodesToThePixelsGiven(@ForAll @IntRange(min = 1, max = 300) int width, @ForAll @IntRange(min = 1, max = 40) int height,
            @ForAll long seed) throws IOException {
        int[] px = image(new Random(seed), width, height + 1);
        assertDecodesTo(FlatPng.encode(px, width, width, height), px, width, width, height);
    }

    @Test
    void wideFiguresAndLongRuns() throws IOException {
        int width = 5000;
        int height = 6;
        int[] px = image(new Random(3), width, height);
        assertDecodesTo(FlatPng.encode(px, 0, width, height), px, 0, width, height);
        assertTrue(FlatPng.fits(10_000));
        assertTrue(!FlatPng.fits(11_000), "the row above must lie within deflate's 32 KiB window");
    }

    @Test
    void sameImageSameBytes() {
        int[] px = image(new Random(9), 200, 50);
        assertArrayEquals(FlatPng.encode(px, 0, 200, 50), FlatPng.encode(px.clone(), 0, 200, 50));
    }

    @Test
    void deflateCodeTables() {
        assertArrayEquals(new int[] {257, 0, 0}, FlatPng.lengthSymbol(3));
        assertArrayEquals(new int[] {265, 1, 0}, FlatPng.lengthSymbol(11));
        assertArrayEquals(new int[] {284, 5, 30}, FlatPng.lengthSymbol(257));
        assertArrayEquals(new int[] {285, 0, 0}, FlatPng.lengthSymbol(258));
        assertArrayEquals(new int[] {2, 0, 0}, FlatPng.distanceSymbol(3));
        assertArrayEquals(new int[] {24, 11, 4801 - 4097}, FlatPng.distanceSymbol(4801));
        assertArrayEquals(new int[] {29, 13, 32768 - 24577}, FlatPng.distanceSymbol(32768));
    }
}
