package attnscope.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Self-attention (Raschka ch. 3), the matrix view, several heads and the reading of one weight:
 * published values, and every printed number recomputed here with BigDecimal.
 */
class MatrixExamplesTest {

    private static MatrixAttention.Result raschka() {
        ToyInput in = ToyInput.builtIn("self-attention");
        return MatrixAttention.compute(MatrixExample.selfAttention(in.tokens("tokens"), in.matrix("inputs")), false, false);
    }

    /** Cells of a table line: runs of two or more spaces separate them. */
    private static List<String> cells(String line) {
        return Arrays.asList(line.strip().split("\\s{2,}"));
    }

    private static String line(String text, String prefix, int occurrence) {
        return Arrays.stream(text.split("\n")).filter(l -> l.startsWith(prefix)).skip(occurrence).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + " #" + occurrence));
    }

    @Test
    void selfAttentionMatchesTheBooksPublishedNumbers() {
        MatrixAttention.Result r = raschka();
        // Raschka, ch. 3: attention weights of "journey" and its context vector.
        double[] published = {0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581};
        for (int j = 0; j < 6; j++) {
            assertEquals(published[j], r.weights()[1][j], 5e-5);
        }
        double[] z = {0.4419, 0.6515, 0.5683};
        for (int c = 0; c < 3; c++) {
            assertEquals(z[c], r.output()[1][c], 5e-5);
        }
        assertEquals(0.9544, r.scores()[1][0], 5e-5); // the book's ω_21
    }

    @Test
    void selfAttentionPrintsEveryNumberAsBigDecimalGivesIt() {
        MatrixAttention.Result r = raschka();
        String text = MatrixText.selfAttention(r, 1);
        double[][] x = r.example().keys();
        List<String> tokens = r.example().tokens();
        BigDecimal[][] score = new BigDecimal[6][6];
        BigDecimal[][] weight = new BigDecimal[6][6];
        for (int i = 0; i < 6; i++) {
            BigDecimal total = BigDecimal.ZERO;
            BigDecimal[] e = new BigDecimal[6];
            for (int j = 0; j < 6; j++) {
                BigDecimal s = BigDecimal.ZERO;
                for (int c = 0; c < 3; c++) {
                    s = s.add(Exact.of(x[i][c]).multiply(Exact.of(x[j][c])));
                }
                score[i][j] = s;
                e[j] = Exact.exp(s);
                total = total.add(e[j]);
            }
            for (int j = 0; j < 6; j++) {
                weight[i][j] = e[j].divide(total, Exact.MC);
            }
        }
        for (int i = 0; i < 6; i++) {
            String label = i + " " + tokens.get(i);
            List<String> scoreCells = cells(line(text, label, 1)); // 0: inputs, 1: scores, 2: weights, 3: context
            List<String> weightCells = cells(line(text, label, 2));
            List<String> contextCells = cells(line(text, label, 3));
            BigDecimal[] z = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
            for (int j = 0; j < 6; j++) {
                assertEquals(Exact.num(score[i][j]), scoreCells.get(j + 1), "score " + i + "," + j);
                assertEquals(Exact.fixed(weight[i][j]), weightCells.get(j + 1), "weight " + i + "," + j);
                for (int c = 0; c < 3; c++) {
                    z[c] = z[c].add(weight[i][j].multiply(Exact.of(x[j][c])));
                }
            }
            assertEquals("1.0000", weightCells.get(7));
            for (int c = 0; c < 3; c++) {
                assertEquals(Exact.num(z[c]), contextCells.get(c + 1), "context " + i + "," + c);
            }
        }
        // The term-by-term line for "journey" starts with its first weight and the first input.
        assertTrue(text.contains("0.1385 × [0.43, 0.15, 0.89]"), text);
        assertTrue(text.contains("ω[1, 0] = 0.55*0.43 + 0.87*0.15 + 0.66*0.89 = 0.9544"), text);
        assertTrue(text.contains("= [0.4419, 0.6515, 0.5683]"), text);
    }

    @Test
    void scalingFlattensTheMatrixViewAndRowsSumToOne() {
        MatrixExample ex = MatrixExample.from(ToyInput.builtIn("matrix"));
        MatrixAttention.Result plain = MatrixAttention.compute(ex, false, false);
        MatrixAttention.Result scaled = MatrixAttention.compute(ex, true, false);
        for (int i = 0; i < ex.length(); i++) {
            assertEquals(1.0, Arrays.stream(plain.weights()[i]).sum(), 1e-12);
            assertEquals(1.0, Arrays.stream(scaled.weights()[i]).sum(), 1e-12);
            assertTrue(MatrixText.max(scaled.weights()[i]) <= MatrixText.max(plain.weights()[i]) + 1e-15);
            for (int j = 0; j < ex.length(); j++) {
                assertEquals(plain.scores()[i][j] / Math.sqrt(2), scaled.scores()[i][j], 1e-12);
            }
        }
        String text = MatrixText.matrixView(plain, scaled);
        // Query "the" = [2, 3] is the handout's: 2, 9, 9, 4 and softmax 0.0005 0.4981 0.4981 0.0034.
        assertEquals(List.of("3 the", "2", "9", "9", "4"), cells(line(text, "3 the", 3)));
        assertEquals(List.of("3 the", "0.0005", "0.4981", "0.4981", "0.0034", "1.0000"), cells(line(text, "3 the", 4)));
    }

    @Test
    void matrixViewPrintsEveryNumberAsBigDecimalGivesIt() {
        for (boolean causal : new boolean[] {false, true}) {
            MatrixExample ex = MatrixExample.from(ToyInput.builtIn("matrix"));
            String text = MatrixText.matrixView(MatrixAttention.compute(ex, false, causal), MatrixAttention.compute(ex, true, causal));
            int t = ex.length();
            BigDecimal root = new BigDecimal(2).sqrt(Exact.MC);
            for (int i = 0; i < t; i++) {
                String label = i + " " + ex.tokens().get(i);
                // Occurrences of a row label: 0 Q, 1 K, 2 V, 3 scores, 4 weights, 5 scaled scores, 6 scaled weights, 7 outputs.
                List<String> scores = cells(line(text, label, 3));
                List<String> weights = cells(line(text, label, 4));
                List<String> scaledScores = cells(line(text, label, 5));
                List<String> scaledWeights = cells(line(text, label, 6));
                List<String> outputs = cells(line(text, label, 7));
                BigDecimal[] dots = new BigDecimal[t];
                BigDecimal total = BigDecimal.ZERO;
                BigDecimal totalScaled = BigDecimal.ZERO;
                for (int j = 0; j < t; j++) {
                    dots[j] = Exact.of(ex.queries()[i][0]).multiply(Exact.of(ex.keys()[j][0]))
                            .add(Exact.of(ex.queries()[i][1]).multiply(Exact.of(ex.keys()[j][1])));
                    if (!causal || j <= i) {
                        total = total.add(Exact.exp(dots[j]));
                        totalScaled = totalScaled.add(Exact.exp(dots[j].divide(root, Exact.MC)));
                    }
                }
                BigDecimal[] z = new BigDecimal[4];
                java.util.Arrays.fill(z, BigDecimal.ZERO);
                for (int j = 0; j < t; j++) {
                    boolean hidden = causal && j > i;
                    BigDecimal w = hidden ? BigDecimal.ZERO : Exact.exp(dots[j]).divide(total, Exact.MC);
                    BigDecimal ws = hidden ? BigDecimal.ZERO : Exact.exp(dots[j].divide(root, Exact.MC)).divide(totalScaled, Exact.MC);
                    assertEquals(hidden ? "−∞" : Exact.num(dots[j]), scores.get(j + 1), "score " + i + "," + j);
                    assertEquals(hidden ? "−∞" : Exact.num(dots[j].divide(root, Exact.MC)), scaledScores.get(j + 1));
                    assertEquals(Exact.fixed(w), weights.get(j + 1), "weight " + i + "," + j);
                    assertEquals(Exact.fixed(ws), scaledWeights.get(j + 1), "scaled weight " + i + "," + j);
                    for (int c = 0; c < 2; c++) {
                        z[c] = z[c].add(w.multiply(Exact.of(ex.values()[j][c])));
                        z[c + 2] = z[c + 2].add(ws.multiply(Exact.of(ex.values()[j][c])));
                    }
                }
                for (int c = 0; c < 4; c++) {
                    assertEquals(Exact.num(z[c]), outputs.get(c + 1), "output " + i + "," + c + (causal ? " causal" : ""));
                }
            }
        }
    }

    @Test
    void causalExamplePrintsEveryWeightAsBigDecimalGivesIt() {
        CausalMasking.Result r = CausalMasking.compute(CausalExample.from(ToyInput.builtIn("causal")));
        String text = CausalText.render(r);
        double[][] s = r.example().scores();
        for (int i = 0; i < 4; i++) {
            String label = i + " " + r.example().tokens().get(i);
            List<String> masked = cells(line(text, label, 1));
            List<String> weights = cells(line(text, label, 2));
            BigDecimal total = BigDecimal.ZERO;
            for (int j = 0; j <= i; j++) {
                total = total.add(Exact.exp(Exact.of(s[i][j])));
            }
            for (int j = 0; j < 4; j++) {
                assertEquals(j > i ? "−∞" : Exact.num(Exact.of(s[i][j])), masked.get(j + 1));
                String expected = j > i ? "0.0000" : Exact.fixed(Exact.exp(Exact.of(s[i][j])).divide(total, Exact.MC));
                assertEquals(expected, weights.get(j + 1), "weight " + i + "," + j);
            }
            assertEquals("1.0000", weights.get(5));
        }
    }

    @Test
    void headsAreConcatenatedInOrder() {
        MultiHeadExample.Result r = MultiHeadExample.from(ToyInput.builtIn("heads")).compute(false);
        // Head 2: q = [0, 2], scores 0, 2, 4, 0; e^0, e^2, e^4, e^0; output Σ w·v, v = [1,0],[0,1],[1,1],[0,0].
        BigDecimal e0 = BigDecimal.ONE;
        BigDecimal e2 = Exact.exp(new BigDecimal(2));
        BigDecimal e4 = Exact.exp(new BigDecimal(4));
        BigDecimal total = e0.add(e2).add(e4).add(e0);
        BigDecimal w0 = e0.divide(total, Exact.MC);
        BigDecimal w1 = e2.divide(total, Exact.MC);
        BigDecimal w2 = e4.divide(total, Exact.MC);
        double[] head1 = r.heads().get(0).softmax().output();
        double[] expected = {head1[0], head1[1], w0.add(w2).doubleValue(), w1.add(w2).doubleValue()};
        for (int c = 0; c < 4; c++) {
            assertEquals(expected[c], r.concatenated()[c], 1e-12);
        }
        String text = HeadsText.render(r);
        assertTrue(text.contains("= [2.9886, 1.4943, " + Exact.num(w0.add(w2)) + ", " + Exact.num(w1.add(w2)) + "]"), text);
        assertTrue(text.contains("head 2: most on position 2 (\"chases\")"), text);
    }

    @Test
    void headsNeedAtLeastTwo() {
        ToyInput one = ToyInput.builtIn("heads").with("heads", "1");
        assertThrows(InvalidToyInputException.class, () -> MultiHeadExample.from(one));
        ToyInput missing = ToyInput.builtIn("heads").with("heads", "3");
        InvalidToyInputException e = assertThrows(InvalidToyInputException.class, () -> MultiHeadExample.from(missing));
        assertTrue(e.getMessage().contains("head.3.query"), e.getMessage());
    }

    @Test
    void explainStatesTheShareAndTheCausalRule() {
        MatrixExample ex = MatrixExample.from(ToyInput.builtIn("matrix"));
        MatrixAttention.Result causal = MatrixAttention.compute(ex, false, true);
        WeightReading w = WeightReading.read(causal, 3, 1);
        // Row 3 is not masked at all (it is the last): the handout's softmax, 0.4981 → 49.8 %.
        assertTrue(w.sentences().get(0).contains("query position 3 (\"the\") takes 49.8 % of its output from the value at position 1 (\"cat\")"),
                w.sentences().get(0));
        WeightReading future = WeightReading.read(causal, 1, 3);
        assertEquals(0.0, future.weight());
        assertTrue(String.join(" ", future.sentences()).contains("so the weight is exactly 0"));
        WeightReading open = WeightReading.read(MatrixAttention.compute(ex, false, false), 1, 3);
        assertTrue(open.weight() > 0);
        assertTrue(String.join(" ", open.sentences()).contains("In a causal model weights[I, J] would be 0 whenever J > I"));
        assertThrows(InvalidToyInputException.class, () -> WeightReading.read(causal, 4, 0));
    }

    @Test
    void matrixNeedsMatchingShapes() {
        ToyInput in = ToyInput.builtIn("matrix").with("queries", "1 0; 0 1; 3 0");
        InvalidToyInputException e = assertThrows(InvalidToyInputException.class, () -> MatrixExample.from(in));
        assertTrue(e.getMessage().contains("one row of queries per token (4 tokens) but found 3"), e.getMessage());
        ToyInput wide = ToyInput.builtIn("matrix").with("queries", "1 0 1; 0 1 1; 3 0 1; 2 3 1");
        assertFalse(assertThrows(InvalidToyInputException.class, () -> MatrixExample.from(wide)).getMessage().isEmpty());
    }
}
