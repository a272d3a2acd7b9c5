package attnscope.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The example file format: what it accepts, and the one-line message for what it refuses. */
class ToyInputTest {

    private static String refused(String text, String field, boolean masked) {
        ToyInput in = ToyInput.parse("f.txt", text);
        return assertThrows(InvalidToyInputException.class, () -> {
            if (masked) {
                in.maskedMatrix(field);
            } else {
                in.matrix(field);
            }
        }).getMessage();
    }

    @Test
    void readsCommentsCommasSpacesAndBrackets() {
        ToyInput in = ToyInput.parse("f.txt", "# a comment\n\ntokens = a, b  # trailing comment\nq = [2, -3.5]\nm = 1 0; 0,1\n");
        assertEquals(List.of("a", "b"), in.tokens("tokens"));
        assertArrayEquals(new double[] {2, -3.5}, in.vector("q"));
        assertArrayEquals(new double[][] {{1, 0}, {0, 1}}, in.matrix("m"));
        assertEquals("f.txt:5: m", in.where("m"));
    }

    @Test
    void refusesWhatIsNotADecimalNumber() {
        assertTrue(refused("m = 1 x\n", "m", false).contains("f.txt:1: m row 0: \"x\" is not a number"));
        assertTrue(refused("m = NaN 1\n", "m", false).contains("\"NaN\" is not a number"));
        assertTrue(refused("m = Infinity 1\n", "m", false).contains("\"Infinity\" is not a number"));
        assertTrue(refused("m = 1e999 1\n", "m", false).contains("too large"));
        assertTrue(refused("m = -inf 1\n", "m", false).contains("\"-inf\" is not a number"));
        assertEquals(Double.NEGATIVE_INFINITY, ToyInput.parse("f", "m = -inf 1\n").maskedMatrix("m")[0][0]);
        assertTrue(refused("m = 1 2; 3\n", "m", false).contains("row 1 has 1 numbers but row 0 has 2"));
        assertTrue(refused("m = 1 2;\n", "m", false).contains("expected numbers separated by commas"));
    }

    @Test
    void refusesMalformedLinesAndDuplicates() {
        assertTrue(assertThrows(InvalidToyInputException.class, () -> ToyInput.parse("f.txt", "tokens a b\n"))
                .getMessage().contains("f.txt:1: expected `name = value`"));
        assertTrue(assertThrows(InvalidToyInputException.class, () -> ToyInput.parse("f.txt", "a = 1\na = 2\n"))
                .getMessage().contains("f.txt:2: \"a\" is given twice (first on line 1)"));
        assertTrue(assertThrows(InvalidToyInputException.class, () -> ToyInput.parse("f.txt", "a = 1\n").vector("b"))
                .getMessage().contains("the field \"b\" is missing"));
    }

    @Test
    void toleratesAByteOrderMarkAndWindowsLineEnds() {
        ToyInput in = ToyInput.parse("f.txt", "\uFEFFtokens = a b\r\nq = 1 2\r\n");
        assertEquals(List.of("a", "b"), in.tokens("tokens"));
        assertArrayEquals(new double[] {1, 2}, in.vector("q"));
    }

    @Test
    void everyShippedExampleParses() {
        for (String name : ToyInput.BUILT_IN) {
            ToyInput in = ToyInput.builtIn(name);
            assertTrue(in.has("kind") && in.has("tokens"), name);
        }
    }
}
