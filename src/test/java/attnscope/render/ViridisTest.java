package attnscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ViridisTest {
    @Test
    void endsAreViridisPurpleAndYellow() {
        assertEquals(0x440154, Viridis.rgb(0.0));
        assertEquals(0xFDE725, Viridis.rgb(1.0));
        assertEquals(0x440154, Viridis.rgb(-3));
        assertEquals(0xFDE725, Viridis.rgb(7));
        assertEquals(0x440154, Viridis.rgb(Double.NaN));
        assertEquals(256, Viridis.SIZE);
    }

    @Test
    void middleIsViridisTeal() {
        // matplotlib: viridis(0.5) = entry 128 = (0.127568, 0.566949, 0.550556) → #21918C.
        assertEquals(0x21918C, Viridis.rgb(0.5));
    }

    /**
     * Viridis's defining property: lightness grows with the value. Rounding to 8 bits leaves
     * steps of at most 3·10⁻⁴ downwards between neighbours, so the check is per neighbour with
     * that slack and strict over every 4 entries; a mistyped entry breaks one or the other.
     */
    @Test
    void luminanceIncreases() {
        double[] y = new double[Viridis.SIZE];
        for (int i = 0; i < Viridis.SIZE; i++) {
            int c = Viridis.entry(i);
            y[i] = 0.2126 * lin(c >> 16 & 0xFF) + 0.7152 * lin(c >> 8 & 0xFF) + 0.0722 * lin(c & 0xFF);
        }
        for (int i = 1; i < Viridis.SIZE; i++) {
            assertTrue(y[i] > y[i - 1] - 3e-4, "luminance falls at entry " + i);
        }
        for (int i = 4; i < Viridis.SIZE; i++) {
            assertTrue(y[i] > y[i - 4], "luminance does not grow from entry " + (i - 4) + " to " + i);
        }
    }

    /** Neighbouring entries differ by at most 3 levels per channel: the map is smooth. */
    @Test
    void neighboursAreClose() {
        for (int i = 1; i < Viridis.SIZE; i++) {
            int a = Viridis.entry(i - 1);
            int b = Viridis.entry(i);
            for (int shift = 0; shift <= 16; shift += 8) {
                int d = Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF));
                assertTrue(d <= 3, "entries " + (i - 1) + " and " + i + " differ by " + d);
            }
        }
    }

    private static double lin(int v) {
        double s = v / 255.0;
        return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    }
}
