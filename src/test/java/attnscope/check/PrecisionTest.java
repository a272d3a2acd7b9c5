package attnscope.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tolerances follow the type's ε and T as docs/CONTRACT.md derives them; float32 keeps its fixed ones. */
class PrecisionTest {
    private static final double FP16_EPS = 0x1p-10;

    @Test
    void typesMapFromOnnxAndTheCoarserWins() {
        assertSame(Precision.FP16, Precision.ofOnnxType(10));
        assertSame(Precision.BF16, Precision.ofOnnxType(16));
        assertSame(Precision.FP32, Precision.ofOnnxType(1));
        assertSame(Precision.BF16, Precision.FP16.coarser(Precision.BF16));
        assertSame(Precision.FP16, Precision.FP32.coarser(Precision.FP16));
    }

    @Test
    void float32KeepsTheFixedTolerances() {
        assertSame(Tolerance.PATTERN_FP32, Precision.FP32.pattern());
        assertSame(Tolerance.OUTPUT_FP32, Precision.FP32.output(100));
        assertEquals(1e-5, Precision.FP32.rowSumLimit(1e-5, 5000));
        assertEquals(1e-5, Precision.FP32.scaleLimit(1e-5));
    }

    @Test
    void fp16TolerancesGrowWithEpsilonAndTokens() {
        assertEquals(new Tolerance(FP16_EPS, 8 * FP16_EPS), Precision.FP16.pattern());
        assertEquals(FP16_EPS * (1 + 7), Precision.FP16.rowSumLimit(1e-5, 88), 1e-12, "⌈log₂ 88⌉ = 7");
        assertEquals(FP16_EPS * (1 + 11), Precision.FP16.rowSumLimit(1e-5, 2048), 1e-12);
        assertEquals(new Tolerance(8 * FP16_EPS * 2.5, 8 * FP16_EPS), Precision.FP16.output(2.5));
        assertEquals(FP16_EPS, Precision.FP16.scaleLimit(1e-5));
        // The rotary tolerance is widened, never narrowed: it composes with another change of it.
        Tolerance wide = new Tolerance(1, 1);
        assertEquals(wide, Precision.FP16.rotary(wide, 3));
        assertEquals(new Tolerance(3 * FP16_EPS * 3, 1e-3), Precision.FP16.rotary(Tolerance.OUTPUT_FP32, 3));
        assertTrue(Precision.BF16.pattern().rtol() > Precision.FP16.pattern().rtol());
    }
}
