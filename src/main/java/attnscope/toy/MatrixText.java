package attnscope.toy;

import java.util.List;

/**
 * Text for the matrix examples: self-attention without learnable weights, the full matrix view
 * with and without ÷√d_k, and the reading of one weight. Formatting only.
 */
public final class MatrixText {
    private MatrixText() {
    }

    /** A labelled matrix: one row per token, columns named by {@code columns}. */
    static String matrix(List<String> rowLabels, List<String> columns, double[][] m, boolean fixed, boolean rowSums) {
        String[] header = new String[columns.size() + 1 + (rowSums ? 1 : 0)];
        header[0] = "";
        for (int c = 0; c < columns.size(); c++) {
            header[c + 1] = columns.get(c);
        }
        if (rowSums) {
            header[header.length - 1] = "row sum";
        }
        TextTable t = new TextTable(header);
        int[] right = new int[header.length - 1];
        for (int c = 0; c < right.length; c++) {
            right[c] = c + 1;
        }
        t.rightAlign(right);
        for (int i = 0; i < m.length; i++) {
            String[] row = new String[header.length];
            row[0] = rowLabels.get(i);
            double sum = 0;
            for (int c = 0; c < m[i].length; c++) {
                row[c + 1] = fixed ? Fmt.fixed(m[i][c]) : Fmt.num(m[i][c]);
                sum += m[i][c];
            }
            if (rowSums) {
                row[row.length - 1] = Fmt.fixed(sum);
            }
            t.row(row);
        }
        return t.render();
    }

    static List<String> labels(List<String> tokens) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            out.add(i + " " + tokens.get(i));
        }
        return out;
    }

    static List<String> dims(String prefix, int n) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** "0.55*0.43 + 0.87*0.15 + 0.66*0.89 = 0.9544" */
    static String writtenDot(double[] a, double[] b, double result) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < a.length; c++) {
            sb.append(c > 0 ? " + " : "").append(Fmt.factor(a[c])).append('*').append(Fmt.factor(b[c]));
        }
        return sb.append(" = ").append(Fmt.num(result)).toString();
    }

    /** "0.1385 × [0.43, 0.15, 0.89] + … = [0.4419, 0.6515, 0.5683]" */
    static String writtenWeightedSum(double[] weights, double[][] values, double[] result) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < weights.length; j++) {
            sb.append(j > 0 ? "\n     + " : "       ").append(Fmt.fixed(weights[j])).append(" × ").append(Fmt.vec(values[j]));
        }
        return sb.append("\n     = ").append(Fmt.vec(result)).toString();
    }

    /** Self-attention without learnable weights: X serves as Q, K and V. */
    public static String selfAttention(MatrixAttention.Result r, int query) {
        MatrixExample ex = r.example();
        List<String> rows = labels(ex.tokens());
        int t = ex.length();
        StringBuilder sb = new StringBuilder();
        sb.append("Self-attention without learnable weights: the inputs X are the queries, keys and values.\n");
        sb.append("Tokens: ").append(String.join(" ", ex.tokens())).append("   (T = ").append(t).append(", d = ").append(ex.dk())
                .append(r.scaled() ? ", scores ÷ √d" : "").append(")\n\n");
        sb.append("1. Inputs X (").append(t).append(" × ").append(ex.dk()).append(")\n\n");
        sb.append(matrix(rows, dims("x", ex.dk()), ex.keys(), false, false));
        sb.append("\n2. Scores ω = X·Xᵀ").append(r.scaled() ? " ÷ √" + ex.dk() : "").append(" (").append(t).append(" × ").append(t)
                .append("): ω[i, j] = x_i · x_j\n\n");
        sb.append(matrix(rows, rows, r.scores(), false, false));
        sb.append("\n   Row ").append(query).append(" (\"").append(ex.tokens().get(query)).append("\") written out:\n");
        for (int j = 0; j < t; j++) {
            sb.append("   ω[").append(query).append(", ").append(j).append("] = ")
                    .append(writtenDot(ex.queries()[query], ex.keys()[j], r.dots()[query][j]));
            if (r.scaled()) {
                sb.append(", ÷ √").append(ex.dk()).append(" = ").append(Fmt.num(r.scores()[query][j]));
            }
            sb.append('\n');
        }
        sb.append("\n3. Weights = softmax of each row (every row sums to 1)\n\n");
        sb.append(matrix(rows, rows, r.weights(), true, true));
        sb.append("\n4. Context vectors Z = weights · X (").append(t).append(" × ").append(ex.dk()).append(")\n\n");
        sb.append(matrix(rows, dims("z", r.output()[0].length), r.output(), false, false));
        sb.append("\n   The context vector of query ").append(query).append(" (\"").append(ex.tokens().get(query))
                .append("\"), term by term:\n   z_").append(query).append(" =\n");
        sb.append(writtenWeightedSum(r.weights()[query], ex.values(), r.output()[query])).append('\n');
        return sb.toString();
    }

    /** The full matrix view, unscaled next to scaled. */
    public static String matrixView(MatrixAttention.Result plain, MatrixAttention.Result scaled) {
        MatrixExample ex = plain.example();
        List<String> rows = labels(ex.tokens());
        int t = ex.length();
        int d = ex.dk();
        StringBuilder sb = new StringBuilder();
        sb.append("All queries at once: scores = Q·Kᵀ, weights = softmax(scores) row by row, output = weights·V.\n");
        sb.append("Tokens: ").append(String.join(" ", ex.tokens())).append("   (T = ").append(t).append(", d_k = ").append(d)
                .append(plain.causal() ? ", causal mask" : "").append(")\n\n");
        sb.append("Q (").append(t).append(" × ").append(d).append(")\n").append(matrix(rows, dims("q", d), ex.queries(), false, false));
        sb.append("\nK (").append(t).append(" × ").append(d).append(")\n").append(matrix(rows, dims("k", d), ex.keys(), false, false));
        int dv = ex.values()[0].length;
        sb.append("\nV (").append(t).append(" × ").append(dv).append(")\n").append(matrix(rows, dims("v", dv), ex.values(), false, false));
        sb.append("\n1. Scores Q·Kᵀ (").append(t).append(" × ").append(t).append("): row = query, column = key")
                .append(plain.causal() ? "; −∞ above the diagonal (the causal mask)" : "").append("\n\n");
        sb.append(matrix(rows, rows, plain.scores(), false, false));
        sb.append("\n2. Weights softmax(Q·Kᵀ)\n\n").append(matrix(rows, rows, plain.weights(), true, true));
        sb.append("\n3. Scaled scores Q·Kᵀ ÷ √").append(d).append(" (÷ ").append(Fmt.num(Math.sqrt(d))).append(")\n\n");
        sb.append(matrix(rows, rows, scaled.scores(), false, false));
        sb.append("\n4. Weights softmax(Q·Kᵀ ÷ √").append(d).append(")\n\n").append(matrix(rows, rows, scaled.weights(), true, true));
        sb.append("\n5. Output weights·V, unscaled | scaled\n\n");
        double[][] both = new double[t][2 * dv];
        for (int i = 0; i < t; i++) {
            System.arraycopy(plain.output()[i], 0, both[i], 0, dv);
            System.arraycopy(scaled.output()[i], 0, both[i], dv, dv);
        }
        java.util.List<String> cols = new java.util.ArrayList<>(dims("z", dv));
        for (int c = 0; c < dv; c++) {
            cols.add("z" + c + " ÷√d");
        }
        sb.append(matrix(rows, cols, both, false, false));
        sb.append("\nDividing by √d_k shrinks the score differences, so softmax is less peaked: the largest weight per row\n");
        for (int i = 0; i < t; i++) {
            sb.append("  row ").append(i).append(": ").append(Fmt.fixed(max(plain.weights()[i]))).append(" → ")
                    .append(Fmt.fixed(max(scaled.weights()[i]))).append('\n');
        }
        return sb.toString();
    }

    static double max(double[] row) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : row) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** The reading of one weight, with the row it sits in. */
    public static String explain(WeightReading w, MatrixAttention.Result r) {
        StringBuilder sb = new StringBuilder();
        for (String s : w.sentences()) {
            sb.append(s).append('\n');
        }
        sb.append("\nRow ").append(w.i()).append(" of the ").append(r.causal() ? "causal " : "").append("pattern:\n\n");
        List<String> rows = labels(r.example().tokens());
        sb.append(matrix(List.of(rows.get(w.i())), rows, new double[][] {r.weights()[w.i()]}, true, true));
        return sb.toString();
    }
}
