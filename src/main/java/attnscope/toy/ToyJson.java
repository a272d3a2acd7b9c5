package attnscope.toy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The toy's results as ordered maps and lists, ready for a JSON writer: every number, unrounded. */
public final class ToyJson {
    private ToyJson() {
    }

    public static Map<String, Object> handout(QueryAttention.Result r, List<Normalize> kinds) {
        HandoutExample ex = r.example();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("example", "handout");
        m.put("tokens", ex.tokens());
        m.put("query", ex.query());
        m.put("queryPosition", ex.queryPosition());
        m.put("keys", ex.keys());
        m.put("values", ex.values());
        m.put("scaled", r.scaled());
        m.put("scale", r.scale());
        m.put("scores", r.scores());
        for (Normalize k : kinds) {
            m.put(k == Normalize.SUM ? "sum" : "softmax", normalized(r.get(k)));
        }
        return m;
    }

    static Map<String, Object> normalized(QueryAttention.Normalized n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("defined", n.defined());
        if (!n.defined()) {
            m.put("reason", n.undefinedReason());
            return m;
        }
        m.put("weights", n.weights());
        m.put("weightSum", n.weightSum());
        m.put("weighted", n.weighted());
        m.put("output", n.output());
        return m;
    }

    public static Map<String, Object> search(QuerySearch.Found f, QueryAttention.Result proof, List<Normalize> kinds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("goal", f.goal());
        m.put("satisfied", f.satisfied());
        m.put("query", f.query());
        m.put("weights", f.weights());
        m.put("tried", f.tried());
        // An ordered map: Map.of iterates in an order salted per JVM run, and the same input must give the same JSON.
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("range", QuerySearch.RANGE);
        grid.put("step", QuerySearch.STEP);
        m.put("grid", grid);
        if (proof != null) {
            m.put("table", handout(proof, kinds));
        }
        return m;
    }


    public static Map<String, Object> matrix(String example, MatrixAttention.Result r) {
        MatrixExample ex = r.example();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("example", example);
        m.put("tokens", ex.tokens());
        m.put("queries", ex.queries());
        m.put("keys", ex.keys());
        m.put("values", ex.values());
        m.put("scaled", r.scaled());
        m.put("scale", r.scale());
        m.put("causal", r.causal());
        m.put("scores", finite(r.scores()));
        m.put("weights", r.weights());
        m.put("output", r.output());
        return m;
    }

    public static Map<String, Object> matrixView(MatrixAttention.Result plain, MatrixAttention.Result scaled) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unscaled", matrix("matrix", plain));
        m.put("scaled", matrix("matrix", scaled));
        return m;
    }

    public static Map<String, Object> causal(CausalMasking.Result r) {
        CausalExample ex = r.example();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("example", "causal");
        m.put("tokens", ex.tokens());
        m.put("scores", finite(ex.scores()));
        m.put("masked", finite(r.masked()));
        m.put("weights", r.weights());
        m.put("fullyMaskedRows", r.fullyMaskedRows());
        if (ex.slideWeights() != null) {
            m.put("slideWeights", ex.slideWeights());
            m.put("slideRowSums", r.slideRowSums());
            m.put("slideWrong", r.slideWrong());
            m.put("slideCorrect", r.slideCorrect());
        }
        return m;
    }

    public static Map<String, Object> heads(MultiHeadExample.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("example", "heads");
        List<Object> heads = new ArrayList<>();
        for (QueryAttention.Result h : r.heads()) {
            heads.add(handout(h, List.of(Normalize.SOFTMAX)));
        }
        m.put("heads", heads);
        m.put("concatenated", r.concatenated());
        return m;
    }

    public static Map<String, Object> explain(WeightReading w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("example", "explain");
        m.put("i", w.i());
        m.put("j", w.j());
        m.put("weight", w.weight());
        m.put("causal", w.causal());
        m.put("sentences", w.sentences());
        return m;
    }

    /** JSON has no −∞: masked scores become the string "-inf". */
    static List<Object> finite(double[][] m) {
        List<Object> out = new ArrayList<>();
        for (double[] r : m) {
            List<Object> row = new ArrayList<>();
            for (double x : r) {
                row.add(Double.isInfinite(x) ? (x < 0 ? "-inf" : "inf") : (Object) x);
            }
            out.add(row);
        }
        return out;
    }
}
