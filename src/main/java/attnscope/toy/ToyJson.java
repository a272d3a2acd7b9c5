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
        m.put("grid", Map.of("range", QuerySearch.RANGE, "step", QuerySearch.STEP));
        if (proof != null) {
            m.put("table", handout(proof, kinds));
        }
        return m;
    }

    static List<Object> rows(double[][] m) {
        List<Object> out = new ArrayList<>();
        for (double[] r : m) {
            out.add(r);
        }
        return out;
    }
}
