package attnscope.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every number of the handout's table, to the last printed digit: first against values worked
 * out by hand (written below as literals), then against BigDecimal arithmetic done here, for
 * every row and column, for sum-normalisation and softmax, scaled and not.
 */
class HandoutNumbersTest {
    private static final List<Normalize> BOTH = List.of(Normalize.SUM, Normalize.SOFTMAX);

    private static HandoutExample handout() {
        return HandoutExample.from(ToyInput.builtIn("handout"));
    }

    private static String[] lines(String text) {
        return text.split("\n");
    }

    /** The line of a table section whose first cells are "pos  token". */
    private static String row(String section, int pos, String token) {
        return Arrays.stream(lines(section)).filter(l -> l.matches("^" + pos + "\\s+" + token + "\\s.*")).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + pos + " " + token + " in:\n" + section));
    }

    private static String sumRow(String section) {
        return Arrays.stream(lines(section)).filter(l -> l.startsWith("sum ")).findFirst()
                .orElseThrow(() -> new AssertionError("no sum row in:\n" + section));
    }

    /** Cells of a table line: runs of two or more spaces separate them. */
    private static List<String> cells(String line) {
        return Arrays.asList(line.strip().split("\\s{2,}"));
    }

    @Test
    void handoutInputsAreTheNotebooksVectors() {
        HandoutExample ex = handout();
        assertEquals(List.of("the", "cat", "chases", "the"), ex.tokens());
        assertTrue(Arrays.equals(new double[] {2, 3}, ex.query()));
        assertEquals(3, ex.queryPosition());
        assertTrue(Arrays.deepEquals(new double[][] {{1, 0}, {3, 1}, {0, 3}, {2, 0}}, ex.keys()));
        assertTrue(Arrays.deepEquals(new double[][] {{0, 0}, {4, 1}, {2, 2}, {0, 0}}, ex.values()));
    }

    @Test
    void sumNormalisedTableMatchesHandWorkedValues() {
        String text = HandoutText.render(QueryAttention.compute(handout(), false), BOTH);
        String sum = text.substring(text.indexOf("1. Sum-normalisation"), text.indexOf("2. Softmax"));
        // Worked by hand: scores q·k = 2, 9, 9, 4 (sum 24); weights 2/24, 9/24, 9/24, 4/24;
        // output 0.375·[4, 1] + 0.375·[2, 2] = [2.25, 1.125].
        assertEquals(List.of("0", "the", "[1, 0]", "2*1 + 3*0 = 2", "2 ÷ 24 = 0.0833", "[0, 0]", "[0, 0]"), cells(row(sum, 0, "the")));
        assertEquals(List.of("1", "cat", "[3, 1]", "2*3 + 3*1 = 9", "9 ÷ 24 = 0.3750", "[4, 1]", "[1.5, 0.375]"), cells(row(sum, 1, "cat")));
        assertEquals(List.of("2", "chases", "[0, 3]", "2*0 + 3*3 = 9", "9 ÷ 24 = 0.3750", "[2, 2]", "[0.75, 0.75]"),
                cells(row(sum, 2, "chases")));
        assertEquals(List.of("3", "the", "[2, 0]", "2*2 + 3*0 = 4", "4 ÷ 24 = 0.1667", "[0, 0]", "[0, 0]"), cells(row(sum, 3, "the")));
        assertEquals(List.of("sum", "24", "1.0000", "[2.25, 1.125]", "← output"), cells(sumRow(sum)));
        assertTrue(sum.contains("weight = score ÷ 24"), sum);
    }

    @Test
    void softmaxTableMatchesHandWorkedValues() {
        String text = HandoutText.render(QueryAttention.compute(handout(), false), BOTH);
        String soft = text.substring(text.indexOf("2. Softmax"), text.indexOf("3. From"));
        // e^2 = 7.3891, e^9 = 8103.0839, e^4 = 54.5982; Σ = 16268.1551 (tables of e^x).
        assertEquals(List.of("0", "the", "[1, 0]", "2*1 + 3*0 = 2", "7.3891", "0.0005", "[0, 0]", "[0, 0]"), cells(row(soft, 0, "the")));
        assertEquals(List.of("1", "cat", "[3, 1]", "2*3 + 3*1 = 9", "8103.0839", "0.4981", "[4, 1]", "[1.9924, 0.4981]"),
                cells(row(soft, 1, "cat")));
        assertEquals(List.of("sum", "24", "16268.1551", "1.0000", "[2.9886, 1.4943]", "← output"), cells(sumRow(soft)));
    }

    @Test
    void everyPrintedNumberAgreesWithBigDecimalArithmetic() {
        for (boolean scaled : new boolean[] {false, true}) {
            for (double[] q : new double[][] {{2, 3}, {1, 0.5}, {3, 0}, {0.25, 2}}) {
                HandoutExample ex = handout().withQuery(q);
                String text = HandoutText.render(QueryAttention.compute(ex, scaled), BOTH);
                checkAgainstBigDecimal(ex, scaled, text);
            }
        }
    }

    private static void checkAgainstBigDecimal(HandoutExample ex, boolean scaled, String text) {
        int t = ex.length();
        BigDecimal scale = scaled ? BigDecimal.ONE.divide(new BigDecimal(2).sqrt(Exact.MC), Exact.MC) : BigDecimal.ONE;
        BigDecimal[] score = new BigDecimal[t];
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal expTotal = BigDecimal.ZERO;
        BigDecimal[] exps = new BigDecimal[t];
        for (int j = 0; j < t; j++) {
            BigDecimal dot = BigDecimal.ZERO;
            for (int c = 0; c < 2; c++) {
                dot = dot.add(Exact.of(ex.query()[c]).multiply(Exact.of(ex.keys()[j][c])));
            }
            score[j] = dot.multiply(scale, Exact.MC);
            total = total.add(score[j]);
            exps[j] = Exact.exp(score[j]);
            expTotal = expTotal.add(exps[j]);
        }
        String sum = text.substring(text.indexOf("1. Sum-normalisation"), text.indexOf("2. Softmax"));
        String soft = text.substring(text.indexOf("2. Softmax"), text.indexOf("3. From"));
        BigDecimal[] outSum = {BigDecimal.ZERO, BigDecimal.ZERO};
        BigDecimal[] outSoft = {BigDecimal.ZERO, BigDecimal.ZERO};
        for (int j = 0; j < t; j++) {
            String tok = ex.tokens().get(j);
            BigDecimal w = score[j].divide(total, Exact.MC);
            BigDecimal s = exps[j].divide(expTotal, Exact.MC);
            BigDecimal[] v = {Exact.of(ex.values()[j][0]), Exact.of(ex.values()[j][1])};
            BigDecimal[] wv = {w.multiply(v[0]), w.multiply(v[1])};
            BigDecimal[] sv = {s.multiply(v[0]), s.multiply(v[1])};
            outSum[0] = outSum[0].add(wv[0]);
            outSum[1] = outSum[1].add(wv[1]);
            outSoft[0] = outSoft[0].add(sv[0]);
            outSoft[1] = outSoft[1].add(sv[1]);
            List<String> sumCells = cells(row(sum, j, tok));
            assertTrue(sumCells.get(3).endsWith("= " + Exact.num(score[j])), sumCells.get(3));
            assertEquals(Exact.num(score[j]) + " ÷ " + Exact.num(total) + " = " + Exact.fixed(w), sumCells.get(4));
            assertEquals(Exact.vec(wv), sumCells.get(6));
            List<String> softCells = cells(row(soft, j, tok));
            assertEquals(Exact.num(exps[j]), softCells.get(4));
            assertEquals(Exact.fixed(s), softCells.get(5));
            assertEquals(Exact.vec(sv), softCells.get(7));
        }
        assertEquals(List.of("sum", Exact.num(total), "1.0000", Exact.vec(outSum), "← output"), cells(sumRow(sum)));
        assertEquals(List.of("sum", Exact.num(total), Exact.num(expTotal), "1.0000", Exact.vec(outSoft), "← output"),
                cells(sumRow(soft)));
    }

    @Test
    void scaledScoreIsWrittenWithTheSquareRoot() {
        String text = HandoutText.render(QueryAttention.compute(handout(), true), BOTH);
        // (2*1 + 3*0) / √2 = 2 / 1.41421356… = 1.41421356… → 1.4142
        assertTrue(text.contains("(2*1 + 3*0) ÷ √2 = 1.4142"), text);
        assertTrue(text.contains("(2*3 + 3*1) ÷ √2 = 6.364"), text); // 9/√2 = 6.36396…
    }

    @Test
    void differenceSectionNamesWhoGainsAndLoses() {
        String text = HandoutText.render(QueryAttention.compute(handout(), false), BOTH);
        String diff = text.substring(text.indexOf("3. From"));
        // 0.4981 − 0.3750 = +0.1231 for cat and chases; the two "the" lose.
        assertEquals(List.of("1", "cat", "9", "0.3750", "0.4981", "+0.1231", "gains"), cells(row(diff, 1, "cat")));
        assertEquals(List.of("2", "chases", "9", "0.3750", "0.4981", "+0.1231", "gains"), cells(row(diff, 2, "chases")));
        assertEquals(List.of("0", "the", "2", "0.0833", "0.0005", "-0.0829", "loses"), cells(row(diff, 0, "the")));
        assertEquals(List.of("3", "the", "4", "0.1667", "0.0034", "-0.1633", "loses"), cells(row(diff, 3, "the")));
    }

    @Test
    void negativeScoresGetAPlainSentenceNotNumbers() {
        HandoutExample ex = handout().withQuery(new double[] {1, -1});
        String text = HandoutText.render(QueryAttention.compute(ex, false), BOTH);
        String sum = text.substring(text.indexOf("1. Sum-normalisation"), text.indexOf("2. Softmax"));
        assertTrue(sum.contains("the score of position 2 (\"chases\") is -3"), sum);
        assertTrue(!sum.contains("÷ 2 ="), "no weights may be printed: " + sum);
        assertTrue(!text.contains("3. From"), "no comparison without sum weights");
    }

    @Test
    void zeroSumIsRefusedInWords() {
        String text = HandoutText.render(QueryAttention.compute(handout().withQuery(new double[] {0, 0}), false), List.of(Normalize.SUM));
        assertTrue(text.contains("the scores sum to 0, and dividing by zero is undefined"), text);
        assertTrue(!text.contains("NaN") && !text.contains("Infinity"), text);
    }
}
