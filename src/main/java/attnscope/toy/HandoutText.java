package attnscope.toy;

import attnscope.toy.QueryAttention.Normalized;
import attnscope.toy.QueryAttention.Result;
import java.util.List;

/**
 * The handout's table as text: per token the score written out as a dot product, the weight,
 * the weighted value; the column sums and the output in the bottom-right cell. Then softmax,
 * then which tokens gain and lose between the two. Formatting only: every number comes from
 * {@link QueryAttention}.
 */
public final class HandoutText {
    private HandoutText() {
    }

    /** The whole handout for the chosen normalisation(s). */
    public static String render(Result r, List<Normalize> kinds) {
        HandoutExample ex = r.example();
        StringBuilder sb = new StringBuilder();
        sb.append("Attention for one query over ").append(ex.length()).append(" tokens: ")
                .append(String.join(" ", ex.tokens())).append('\n');
        sb.append("Query: \"").append(ex.tokens().get(ex.queryPosition())).append("\" at position ")
                .append(ex.queryPosition()).append(" = ").append(Fmt.vec(ex.query()))
                .append("   (d_k = ").append(ex.query().length).append(r.scaled() ? ", scores ÷ √d_k" : "").append(")\n");
        int section = 1;
        for (Normalize kind : kinds) {
            sb.append('\n').append(section++).append(". ");
            sb.append(kind == Normalize.SUM ? sumTable(r) : softmaxTable(r));
        }
        if (kinds.size() == 2 && r.sum().defined()) {
            sb.append('\n').append(section).append(". ").append(difference(r));
        }
        return sb.toString();
    }

    /** "2*1 + 3*0 = 2", or "(2*1 + 3*0) ÷ √2 = 1.4142" when scaled. */
    public static String writtenScore(Result r, int j) {
        double[] q = r.example().query();
        double[] k = r.example().keys()[j];
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < q.length; c++) {
            if (c > 0) {
                sb.append(" + ");
            }
            sb.append(Fmt.factor(q[c])).append('*').append(Fmt.factor(k[c]));
        }
        String products = sb.toString();
        if (r.scaled()) {
            return "(" + products + ") ÷ √" + q.length + " = " + Fmt.numOrSci(r.scores()[j]);
        }
        // A score too small for four decimals is written in scientific notation, never as a 0 that is divided by.
        return products + " = " + Fmt.numOrSci(r.scores()[j]);
    }

    /** The score column's header: what the cells below it compute (÷ √d_k with --scaled). */
    static String scoreHeader(Result r) {
        return r.scaled() ? "score = query · key / √d_k" : "score = query · key";
    }

    static String sumTable(Result r) {
        HandoutExample ex = r.example();
        Normalized n = r.sum();
        StringBuilder sb = new StringBuilder("Sum-normalisation: weight = score ÷ sum of scores\n\n");
        String sum = Fmt.numOrSci(r.scoreSum());
        if (!n.defined()) {
            TextTable t = new TextTable("pos", "token", "key", scoreHeader(r));
            for (int j = 0; j < ex.length(); j++) {
                t.row(String.valueOf(j), ex.tokens().get(j), Fmt.vec(ex.keys()[j]), writtenScore(r, j));
            }
            t.row("sum", "", "", sum);
            sb.append(t.render()).append('\n');
            sb.append("No weights: ").append(n.undefinedReason()).append(".\n");
            sb.append("Dividing by the sum only gives shares of attention when every score is ≥ 0 and the sum is > 0;\n"
                    + "softmax is defined for any scores, which is one reason models use it.\n");
            return sb.toString();
        }
        TextTable t = new TextTable("pos", "token", "key", scoreHeader(r), "weight = score ÷ " + sum, "value", "weight × value");
        for (int j = 0; j < ex.length(); j++) {
            t.row(String.valueOf(j), ex.tokens().get(j), Fmt.vec(ex.keys()[j]), writtenScore(r, j),
                    Fmt.numOrSci(r.scores()[j]) + " ÷ " + sum + " = " + Fmt.fixed(n.weights()[j]),
                    Fmt.vec(ex.values()[j]), Fmt.vec(n.weighted()[j]));
        }
        t.row("sum", "", "", sum, Fmt.fixed(n.weightSum()), "", Fmt.vec(n.output()) + "  ← output");
        sb.append(t.render());
        return sb.toString();
    }

    static String softmaxTable(Result r) {
        HandoutExample ex = r.example();
        Normalized n = r.softmax();
        String e = n.shift() == 0 ? "e^score" : "e^(score − " + Fmt.num(n.shift()) + ")";
        double expSum = 0;
        for (double x : n.exps()) {
            expSum += x;
        }
        StringBuilder sb = new StringBuilder("Softmax: weight = " + e + " ÷ Σ " + e + "\n\n");
        if (n.shift() != 0) {
            sb.append("(Every score is shifted by the largest, " + Fmt.num(n.shift())
                    + ", before exp: the ratios, and so the weights, do not change, and e^score stays finite.)\n\n");
        }
        TextTable t = new TextTable("pos", "token", "key", scoreHeader(r), e, "weight = " + e + " ÷ " + Fmt.num(expSum),
                "value", "weight × value");
        for (int j = 0; j < ex.length(); j++) {
            t.row(String.valueOf(j), ex.tokens().get(j), Fmt.vec(ex.keys()[j]), writtenScore(r, j), Fmt.numOrSci(n.exps()[j]),
                    Fmt.fixed(n.weights()[j]), Fmt.vec(ex.values()[j]), Fmt.vec(n.weighted()[j]));
        }
        t.row("sum", "", "", Fmt.num(r.scoreSum()), Fmt.num(expSum), Fmt.fixed(n.weightSum()), "", Fmt.vec(n.output()) + "  ← output");
        sb.append(t.render());
        return sb.toString();
    }

    static String difference(Result r) {
        HandoutExample ex = r.example();
        double[] s = r.sum().weights();
        double[] m = r.softmax().weights();
        StringBuilder sb = new StringBuilder("From sum-normalisation to softmax: who gains, who loses\n\n");
        TextTable t = new TextTable("pos", "token", "score", "sum-normalised", "softmax", "change", "");
        for (int j = 0; j < ex.length(); j++) {
            double change = m[j] - s[j];
            String sign = change > 0 ? "+" : "";
            String verdict = Fmt.fixed(change).equals("0.0000") || Fmt.fixed(change).equals("-0.0000") ? "unchanged"
                    : change > 0 ? "gains" : "loses";
            t.row(String.valueOf(j), ex.tokens().get(j), Fmt.num(r.scores()[j]), Fmt.fixed(s[j]), Fmt.fixed(m[j]),
                    sign + Fmt.fixed(change), verdict);
        }
        t.row("output", "", "", Fmt.vec(r.sum().output()), Fmt.vec(r.softmax().output()), "", "");
        sb.append(t.render()).append('\n');
        sb.append("Softmax compares scores by their differences (e^score), not their ratios: the highest scores take\n"
                + "more of the weight and low scores fade toward 0.\n");
        return sb.toString();
    }

    /** The search's answer, followed by the full table that proves it. */
    public static String search(QuerySearch.Found f, Result proof, List<Normalize> kinds) {
        StringBuilder sb = new StringBuilder();
        sb.append("Goal: ").append(f.goal()).append('\n');
        if (f.satisfied()) {
            sb.append("Found: query ").append(Fmt.vec(f.query())).append(" (the shortest of ").append(f.tried())
                    .append(" grid queries tried, components in [−").append(Fmt.num(QuerySearch.RANGE)).append(", ")
                    .append(Fmt.num(QuerySearch.RANGE)).append("] in steps of ").append(Fmt.num(QuerySearch.STEP)).append(")\n");
        } else if (f.query() == null) {
            sb.append("Not reachable: no query on the grid gives defined weights.\n");
            return sb.toString();
        } else {
            sb.append("Not reachable on the grid (components in [−").append(Fmt.num(QuerySearch.RANGE)).append(", ")
                    .append(Fmt.num(QuerySearch.RANGE)).append("], steps of ").append(Fmt.num(QuerySearch.STEP))
                    .append("): the closest is query ").append(Fmt.vec(f.query())).append(", weights ");
            StringBuilder w = new StringBuilder();
            for (int j = 0; j < f.weights().length; j++) {
                w.append(j > 0 ? ", " : "").append(Fmt.fixed(f.weights()[j]));
            }
            sb.append('[').append(w).append("]\n");
        }
        sb.append('\n').append(render(proof, kinds));
        return sb.toString();
    }
}
