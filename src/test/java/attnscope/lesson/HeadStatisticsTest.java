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
        assertEquals(uniform, picks.get(1).head());
        assertTrue(picks.get(1).why().startsWith("sharpest head"), "29 % on the first token is no sink: " + picks.get(1).why());
    }

    @Test
    void rolesAreNamedOnlyAtOrAboveTheThreshold() {
        // Half of each row on the previous token, half on the query itself: exactly at the threshold.
        int t = 6;
        float[] half = new float[t * t];
        half[0] = 1;
        for (int i = 1; i < t; i++) {
            half[i * t + i - 1] = 0.5f;
            half[i * t + i] = 0.5f;
        }
        HeadStatistics atThreshold = HeadStatistics.of(0, 0, half, 0, t);
        HeadStatistics uniform = HeadStatistics.of(0, 1, uniformCausal(t), 0, t);
        List<HeadStatistics.Pick> picks = HeadStatistics.pick(List.of(atThreshold, uniform));
        assertTrue(picks.get(0).why().startsWith("previous-token head: on average 50 %"), picks.get(0).why());
        assertTrue(picks.stream().noneMatch(p -> p.why().startsWith("attention sink")),
                "a uniform head's first-token share (29 %) is below the threshold");

        // Just below: 0.45 on the previous token is no role.
        for (int i = 1; i < t; i++) {
            half[i * t + i - 1] = 0.45f;
            half[i * t + i] = 0.55f;
        }
        HeadStatistics below = HeadStatistics.of(0, 0, half, 0, t);
        assertTrue(HeadStatistics.pick(List.of(below, uniform)).stream().noneMatch(p -> p.why().startsWith("previous-token")));

        // A synthetic model's heads get no roles, whatever their numbers, and say why.
        List<HeadStatistics.Pick> synthetic = HeadStatistics.pick(List.of(HeadStatistics.of(2, 1, previousTokenHead(t), 0, t), uniform), true);
        assertTrue(synthetic.stream().noneMatch(p -> p.why().startsWith("previous-token") || p.why().startsWith("attention sink")));
        assertTrue(synthetic.stream().allMatch(p -> p.why().contains(HeadStatistics.NO_ROLES)), synthetic.toString());
    }

    @Test
    void oneTokenHasNoStatistics() {
        assertThrows(IllegalArgumentException.class, () -> HeadStatistics.of(0, 0, new float[] {1}, 0, 1));
    }
}
