package attnscope.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The causal example: the mask, row-wise softmax, fully masked rows, and the slide check (passing and failing). */
class CausalMaskingTest {

    @Test
    void upperTriangleIsExactlyZeroAndRowsSumToOne() {
        CausalMasking.Result r = CausalMasking.compute(CausalExample.from(ToyInput.builtIn("causal")));
        double[][] s = r.example().scores();
        for (int i = 0; i < 4; i++) {
            double total = 0;
            for (int j = 0; j <= i; j++) {
                total += Math.exp(s[i][j]);
            }
            for (int j = 0; j < 4; j++) {
                if (j > i) {
                    assertEquals(0.0, r.weights()[i][j]);
                    assertEquals(Double.NEGATIVE_INFINITY, r.masked()[i][j]);
                } else {
                    assertEquals(Math.exp(s[i][j]) / total, r.weights()[i][j], 1e-15);
                }
            }
            assertEquals(1.0, Arrays.stream(r.weights()[i]).sum(), 1e-12);
        }
        assertTrue(r.slideCorrect());
        String text = CausalText.render(r);
        // Row 2: softmax(0.5, 2, 1.5) = 0.1220, 0.5465, 0.3315 (e^0.5 = 1.6487, e^2 = 7.3891, e^1.5 = 4.4817).
        assertTrue(text.contains("2 chases  0.1220  0.5465    0.3315  0.0000   1.0000"), text);
    }

    @Test
    void aFullyMaskedRowIsNamedNotPrintedAsNaN() {
        ToyInput in = ToyInput.parse("test", "tokens = a b c\nscores = -inf 1 2; 0 1 2; 0 1 2\n");
        CausalMasking.Result r = CausalMasking.compute(CausalExample.from(in));
        assertEquals(List.of(0), r.fullyMaskedRows());
        assertNull(r.weights()[0]);
        String text = CausalText.render(r);
        assertTrue(text.contains("Row 0 (\"a\") has no softmax"), text);
        assertFalse(text.contains("NaN"), text);
        assertEquals(1.0, Arrays.stream(r.weights()[1]).sum(), 1e-12);
    }

    @Test
    void wrongSlideNumbersAreFlaggedWithTheCorrectOnesBesideThem() {
        CausalMasking.Result r = CausalMasking.compute(CausalExample.from(ToyInput.builtIn("causal-slide")));
        assertFalse(r.slideCorrect());
        assertFalse(r.slideRowSumsToOne(2));
        assertTrue(r.slideRowSumsToOne(3));
        assertTrue(r.slideWrong()[2][2]);
        assertFalse(r.slideWrong()[3][1]); // 0.11 printed for 0.1139: right to two decimals
        String text = CausalText.render(r);
        String row2 = Arrays.stream(text.split("\n")).filter(l -> l.startsWith("2 chases") && l.contains("WRONG")).findFirst().orElseThrow();
        assertTrue(row2.contains("0.12 0.55 0.35 0") && row2.contains("1.02") && row2.contains("0.1220 0.5465 0.3315 0.0000"), row2);
    }

    @Test
    void wrongEntriesAreCaughtEvenWhenTheRowSumsToOne() {
        ToyInput in = ToyInput.parse("test", "tokens = a b\nscores = 1 0; 0 1\nslide-weights = 1 0; 0.5 0.5\n");
        CausalMasking.Result r = CausalMasking.compute(CausalExample.from(in));
        assertTrue(r.slideRowSumsToOne(1));
        assertTrue(r.slideWrong()[1][0]); // softmax(0, 1) = 0.2689, 0.7311
        assertFalse(r.slideCorrect());
    }
}
