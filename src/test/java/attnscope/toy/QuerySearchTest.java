package attnscope.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The notebook's challenge: the search's answers are checked with an independent softmax written
 * here, and "shortest" is checked by brute force over every shorter grid query.
 */
class QuerySearchTest {
    private static final HandoutExample HANDOUT = HandoutExample.from(ToyInput.builtIn("handout"));

    /** softmax(K·q) computed directly, without the product's code. */
    private static double[] softmax(double[] q) {
        double[][] k = HANDOUT.keys();
        double[] e = new double[k.length];
        double sum = 0;
        for (int j = 0; j < k.length; j++) {
            e[j] = Math.exp(q[0] * k[j][0] + q[1] * k[j][1]);
            sum += e[j];
        }
        for (int j = 0; j < k.length; j++) {
            e[j] /= sum;
        }
        return e;
    }

    @Test
    void findsAQueryPuttingMoreThanNinetyPercentOnCat() {
        QuerySearch.Found f = QuerySearch.target(HANDOUT, HANDOUT.position("cat"), 0.9, Normalize.SOFTMAX, false);
        assertTrue(f.satisfied());
        double[] w = softmax(f.query());
        assertTrue(w[1] > 0.9, "cat gets " + w[1]);
        assertEquals(w[1], f.weights()[1], 1e-12);
        // No strictly shorter grid query does it: the answer is the simplest one.
        double norm = f.query()[0] * f.query()[0] + f.query()[1] * f.query()[1];
        for (double x = -10; x <= 10; x += 0.5) {
            for (double y = -10; y <= 10; y += 0.5) {
                if (x * x + y * y < norm - 1e-12) {
                    assertFalse(softmax(new double[] {x, y})[1] > 0.9, "shorter query [" + x + ", " + y + "] also works");
                }
            }
        }
    }

    @Test
    void findsAQuerySplittingCatAndChases() {
        QuerySearch.Found f = QuerySearch.split(HANDOUT, HANDOUT.position("cat"), HANDOUT.position("chases"), Normalize.SOFTMAX, false);
        assertTrue(f.satisfied());
        double[] w = softmax(f.query());
        assertTrue(Math.abs(w[1] - w[2]) <= QuerySearch.SPLIT_TOLERANCE, w[1] + " vs " + w[2]);
        assertTrue(w[1] + w[2] >= QuerySearch.SPLIT_MIN_TOTAL, "together " + (w[1] + w[2]));
    }

    @Test
    void reportsAnUnreachableGoalInsteadOfPretending() {
        // With score ÷ sum, cat's share is (3x + y)/(6x + 4y) ≤ 1/2 for scores ≥ 0: 0.9 is impossible.
        QuerySearch.Found f = QuerySearch.target(HANDOUT, 1, 0.9, Normalize.SUM, false);
        assertFalse(f.satisfied());
        assertNotNull(f.query());
        assertEquals(0.5, f.weights()[1], 1e-12);
    }

    @Test
    void refusesAmbiguousTokensAndBadWeights() {
        assertThrows(InvalidToyInputException.class, () -> HANDOUT.position("the"));
        assertEquals(3, HANDOUT.position("3"));
        assertThrows(InvalidToyInputException.class, () -> HANDOUT.position("dog"));
        assertThrows(InvalidToyInputException.class, () -> QuerySearch.target(HANDOUT, 1, 1.5, Normalize.SOFTMAX, false));
        assertThrows(InvalidToyInputException.class, () -> QuerySearch.split(HANDOUT, 1, 1, Normalize.SOFTMAX, false));
    }

    @Test
    void searchIsReproducible() {
        QuerySearch.Found a = QuerySearch.target(HANDOUT, 2, 0.8, Normalize.SOFTMAX, true);
        QuerySearch.Found b = QuerySearch.target(HANDOUT, 2, 0.8, Normalize.SOFTMAX, true);
        assertTrue(java.util.Arrays.equals(a.query(), b.query()));
    }
}
