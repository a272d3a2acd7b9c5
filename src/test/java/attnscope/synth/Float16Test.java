package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** float → fp16 as ONNX's Cast does it: round to nearest, ties to even, overflow to ∞, subnormals kept. */
class Float16Test {
    private static int bits(float f) {
        return Float16.fromFloat(f) & 0xffff;
    }

    @Test
    void knownValues() {
        assertEquals(0x3c00, bits(1f));
        assertEquals(0xc000, bits(-2f));
        assertEquals(0x3555, bits(1f / 3)); // 0.333251953125, the nearest fp16
        assertEquals(0x7bff, bits(65504f)); // largest finite
        assertEquals(0xfbff, bits(-65504f));
        assertEquals(0x7c00, bits(65520f)); // halfway to the next power: rounds up to ∞
        assertEquals(0x0001, bits(0x1p-24f)); // smallest subnormal
        assertEquals(0x0000, bits(0x1p-26f));
        assertEquals(0x7e00, bits(Float.NaN));
    }

    @Test
    void tiesGoToEven() {
        assertEquals(0x3c00, bits(1f + 0x1p-11f)); // halfway between 1 and 1 + 2⁻¹⁰: even mantissa 0
        assertEquals(0x3c02, bits(1f + 3 * 0x1p-11f)); // halfway between mantissa 1 and 2: even 2
        assertEquals(0x3c01, bits(1f + 0x1p-11f + 0x1p-20f)); // just above halfway: up
    }

    @Test
    void everyHalfRoundTrips() {
        for (int h = 0; h < 0x7c00; h++) {
            float f = Float16.toFloat((short) h);
            assertEquals(h, bits(f), "fp16 bits " + Integer.toHexString(h));
            assertEquals(h | 0x8000, bits(-f), "fp16 bits -" + Integer.toHexString(h));
        }
    }
}
