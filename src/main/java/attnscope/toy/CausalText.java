package attnscope.toy;

import java.util.List;

/** Text for the causal-mask example: the scores, the masked scores, the weights, the slide check. */
public final class CausalText {
    private CausalText() {
    }

    public static String render(CausalMasking.Result r) {
        CausalExample ex = r.example();
        List<String> rows = MatrixText.labels(ex.tokens());
        int t = ex.length();
        StringBuilder sb = new StringBuilder();
        sb.append("The causal mask: query i may look at keys j ≤ i only. Add −∞ above the diagonal, then softmax each row.\n");
        sb.append("Tokens: ").append(String.join(" ", ex.tokens())).append("   (T = ").append(t).append(")\n\n");
        sb.append("1. Scores before the mask (").append(t).append(" × ").append(t).append(")\n\n");
        sb.append(MatrixText.matrix(rows, rows, ex.scores(), false, false));
        sb.append("\n2. Scores + mask (−∞ where j > i)\n\n").append(MatrixText.matrix(rows, rows, r.masked(), false, false));
        sb.append("\n3. Weights = softmax of each row: the upper triangle is exactly 0, every row sums to 1\n\n");
        TextTable w = weightsTable(rows, r.weights());
        sb.append(w.render());
        for (int i : r.fullyMaskedRows()) {
            sb.append("\nRow ").append(i).append(" (\"").append(ex.tokens().get(i)).append("\") has no softmax: every score in it is −∞, so "
                    + "e^score is 0 everywhere and the weights would be 0/0. A query must be allowed to see at least one key.\n");
        }
        if (ex.slideWeights() != null) {
            sb.append("\n4. The slide's post-softmax numbers, checked\n\n");
            sb.append(slideCheck(r, rows));
        }
        return sb.toString();
    }

    private static TextTable weightsTable(List<String> rows, double[][] weights) {
        String[] header = new String[rows.size() + 2];
        header[0] = "";
        for (int c = 0; c < rows.size(); c++) {
            header[c + 1] = rows.get(c);
        }
        header[header.length - 1] = "row sum";
        TextTable t = new TextTable(header);
        for (int c = 1; c < header.length; c++) {
            t.rightAlign(c);
        }
        for (int i = 0; i < rows.size(); i++) {
            String[] row = new String[header.length];
            row[0] = rows.get(i);
            if (weights[i] == null) {
                for (int c = 1; c < header.length - 1; c++) {
                    row[c] = "—";
                }
                row[header.length - 1] = "no softmax";
            } else {
                double sum = 0;
                for (int c = 0; c < rows.size(); c++) {
                    row[c + 1] = Fmt.fixed(weights[i][c]);
                    sum += weights[i][c];
                }
                row[header.length - 1] = Fmt.fixed(sum);
            }
            t.row(row);
        }
        return t;
    }

    private static String slideCheck(CausalMasking.Result r, List<String> rows) {
        CausalExample ex = r.example();
        StringBuilder sb = new StringBuilder();
        TextTable t = new TextTable("row", "slide", "slide sum", "correct (softmax)", "verdict");
        for (int i = 0; i < rows.size(); i++) {
            StringBuilder slide = new StringBuilder();
            StringBuilder correct = new StringBuilder();
            boolean rowWrong = !r.slideRowSumsToOne(i);
            for (int j = 0; j < rows.size(); j++) {
                slide.append(j > 0 ? " " : "").append(Fmt.num(ex.slideWeights()[i][j]));
                if (r.weights()[i] != null) {
                    correct.append(j > 0 ? " " : "").append(Fmt.fixed(r.weights()[i][j]));
                    rowWrong |= r.slideWrong()[i][j];
                }
            }
            String verdict;
            if (r.weights()[i] == null) {
                verdict = "no softmax: the row is masked entirely";
                correct.append("—");
            } else if (!r.slideRowSumsToOne(i)) {
                verdict = "WRONG: sums to " + Fmt.num(r.slideRowSums()[i]) + ", not 1";
            } else if (rowWrong) {
                verdict = "WRONG: entries differ from softmax";
            } else {
                verdict = "ok";
            }
            t.row(rows.get(i), slide.toString(), Fmt.num(r.slideRowSums()[i]), correct.toString(), verdict);
        }
        sb.append(t.render());
        sb.append('\n').append(r.slideCorrect()
                ? "The slide's numbers agree with softmax (rows sum to 1 within " + Fmt.num(CausalMasking.ROW_SUM_TOLERANCE)
                        + ", entries within " + Fmt.num(CausalMasking.ENTRY_ATOL) + ").\n"
                : "The slide's numbers are wrong where marked: the correct weights are shown next to them.\n");
        return sb.toString();
    }
}
