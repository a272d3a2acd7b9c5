package attnscope.lesson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeadStatisticsTest {
    /** Head 0: every query puts all weight on its previous token (row 0 on itself). */
    private static float[] previousTokenHead(int t) {
        float[] p = new float[t * t];
        p[0] = 1;
        for (int i = 1; i < t; i++) {
            p[i * t + i - 1] = 1;
        }
        return p;
    }

    /** Uniform causal attention: row i spreads 1/(i+1) over keys 0..i. */
    private static float[] uniformCausal(int t) {
        float[] p = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                p[i * t + j] = 1f / (i + 1);
            }
        }
        return p;
    }

    @Test
    void previousTokenHeadHasZeroEntropyAndFullPreviousWeight() {
        HeadStatistics s = HeadStatistics.of(0, 0, previousTokenHead(5), 0, 5);
        assertEquals(0.0, s.entropyBits(), 1e-12);
        assertEquals(1.0, s.previousToken(), 1e-12);
        // Only row 1's previous token is the first token: 1 of the 4 rows counted.
        assertEquals(0.25, s.firstToken(), 1e-12);
        assertEquals(0.0, s.selfWeight(), 1e-12);
    }

    @Test
    void uniformHeadHasTheEntropyOfAUniformChoice() {
        int t = 4;
        HeadStatistics s = HeadStatistics.of(0, 0, uniformCausal(t), 0, t);
        // Rows 1..3 are uniform over 2, 3, 4 keys: mean of log2(2), log2(3), log2(4).
        double expected = (1 + Math.log(3) / Math.log(2) + 2) / 3;
        assertEquals(expected, s.entropyBits(), 1e-6);
        assertEquals((1.0 / 2 + 1.0 / 3 + 1.0 / 4) / 3, s.firstToken(), 1e-6);
    }

    @Test
    void picksQuoteTheMeasuredBehaviourAndAreDistinct() {
        HeadStatistics prev = HeadStatistics.of(2, 1, previousTokenHead(6), 0, 6);
        HeadStatistics uniform = HeadStatistics.of(3, 0, uniformCausal(6), 0, 6);
        List<HeadStatistics.Pick> picks = HeadStatistics.pick(List.of(uniform, prev));
        assertEquals(2, picks.size(), "two heads give at most two distinct picks");
        assertEquals(prev, picks.get(0).head());
        assertTrue(picks.get(0).why().contains("100 %"), picks.get(0).why());
        assertEquals(uniform, picks.get(1).head(), "the uniform head has the most first-token weight left");
    }

    @Test
    void oneTokenHasNoStatistics() {
        assertThrows(IllegalArgumentException.class, () -> HeadStatistics.of(0, 0, new float[] {1}, 0, 1));
    }
}
