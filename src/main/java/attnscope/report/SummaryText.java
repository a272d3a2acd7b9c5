package attnscope.report;

import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.inspect.InspectionResult;
import attnscope.model.ModelConfig;
import attnscope.render.TokenLabels;
import attnscope.tensor.Shapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The short summary {@code attnscope inspect} prints for people: the model, the tokens, a table of
 * per-head shapes against config.json, and per check how many passed and the largest error.
 */
public final class SummaryText {
    private static final String OK = "✓";
    private static final String FAIL = "✗";

    private SummaryText() {
    }

    public static String of(String modelName, InspectionResult r) {
        ModelConfig c = r.config();
        StringBuilder s = new StringBuilder();
        // The folder's name and config.json's model_type are anyone's text: no control character reaches the terminal.
        s.append("model      ").append(TokenLabels.escapeInvisible(modelName)).append(" (").append(TokenLabels.escapeInvisible(c.modelType()))
                .append(c.synthetic() ? ", synthetic" : "")
                .append("): ").append(c.layers()).append(" layers, ").append(c.heads()).append(" query heads, ")
                .append(c.kvHeads()).append(" key/value heads, d = ").append(c.headDim()).append(", D = ").append(c.hidden()).append('\n');
        s.append("attention  ").append(r.attentionStyle()).append(", ")
                .append(r.causal() ? "causal (a token sees only itself and earlier tokens)"
                        : "NOT causal (bidirectional encoder: every token sees every token)").append('\n');
        s.append(patternLine(r));
        int t = r.ids().length;
        s.append("tokens     T = ").append(t).append(": ").append(tokenLine(r.tokens())).append('\n');
        s.append('\n').append(shapeTable(r)).append('\n');
        s.append(checkTable(r));
        long failed = r.checks().stream().filter(x -> !x.passed()).count();
        s.append('\n').append(failed == 0
                ? "result     all " + r.checks().size() + " checks passed"
                : "result     " + failed + " of " + r.checks().size() + " checks FAILED").append('\n');
        return s.toString();
    }

    /**
     * "pattern    from the model in all 24 layers: ..." or, where layers differ, one line per group
     * of layers with the same source: a pattern recomputed by the reference only is never silent.
     */
    static String patternLine(InspectionResult r) {
        if (r.patternSources().isEmpty()) {
            return "";
        }
        // Grouped by kind (the same words for every layer of a model), with the first layer's detail.
        java.util.Map<String, List<Integer>> groups = new java.util.LinkedHashMap<>();
        r.patternSources().forEach((layer, source) -> groups.computeIfAbsent(
                (source.fromModel() ? "from the model" : "RECOMPUTED BY THE REFERENCE ONLY") + " (" + source.kind() + ")",
                k -> new java.util.ArrayList<>()).add(layer));
        StringBuilder s = new StringBuilder();
        groups.forEach((what, layers) -> {
            String which = layers.size() == r.patternSources().size()
                    ? (layers.size() == 1 ? "layer " + layers.get(0) : "all " + layers.size() + " layers")
                    : (layers.size() == 1 ? "layer " : "layers ") + layers.stream().map(String::valueOf).collect(Collectors.joining(","));
            s.append("pattern    ").append(what).append(" in ").append(which).append("; layer ").append(layers.get(0)).append(": ")
                    .append(r.patternSources().get(layers.get(0)).how()).append('\n');
        });
        return s.toString();
    }

    private static String tokenLine(List<String> tokens) {
        int shown = Math.min(tokens.size(), 16);
        // As the figures label them: byte-level BPE decoded, a space as ␣, a newline as ↵, invisible characters as codes.
        String line = tokens.subList(0, shown).stream().map(TokenLabels::display).collect(Collectors.joining(" | "));
        return tokens.size() > shown ? line + " | … (" + (tokens.size() - shown) + " more)" : line;
    }

    /** "Q per head  50 × 64  ✓ 14 heads" and so on, one row per captured tensor. */
    private static String shapeTable(InspectionResult r) {
        ModelConfig c = r.config();
        int layer = r.layers().get(0);
        int t = r.ids().length;
        int group = c.kvHeads() > 0 ? c.heads() / Math.max(c.kvHeads(), 1) : 0;
        StringBuilder s = new StringBuilder("shapes per layer (expected from config.json):\n");
        row(s, "Q per head", r, layer, Site.Q, new int[] {c.heads(), t, c.headDim()},
                c.heads() + " heads" + (c.ropeTheta() > 0 ? " (after rotary)" : ""));
        row(s, "K, V per KV head", r, layer, Site.K, new int[] {c.kvHeads(), t, c.headDim()}, group > 1
                ? c.kvHeads() + " KV heads, each shared by " + group + " query heads"
                : c.kvHeads() + " KV heads, one per query head (no grouping)");
        if (r.model().has(layer, Site.PATTERN)) {
            row(s, "pattern per head", r, layer, Site.PATTERN, new int[] {c.heads(), t, t}, c.heads() + " heads, rows sum to 1");
        } else {
            s.append(String.format(Locale.ROOT, "  %-18s %-12s %s%n", "pattern per head", Shapes.times(t, t),
                    "not a tensor in this graph: recomputed by the reference only"));
        }
        row(s, "z per head", r, layer, Site.Z, new int[] {c.heads(), t, c.headDim()},
                c.heads() + " heads → concatenated " + Shapes.times(t, c.heads() * c.headDim()) + " into o_proj");
        return s.toString();
    }

    private static void row(StringBuilder s, String label, InspectionResult r, int layer, Site site, int[] expected, String note) {
        int[] actual = r.model().get(layer, site).shape();
        boolean ok = java.util.Arrays.equals(expected, actual);
        String perHead = Shapes.times(actual[1], actual[2]);
        s.append(String.format(Locale.ROOT, "  %-18s %-12s %s %s%n", label, perHead, ok ? OK : FAIL,
                ok ? note : actual[0] + " heads found, expected " + Shapes.format(expected)));
    }

    /** Per check: passed/total and the largest value; the first failures spelled out. */
    private static String checkTable(InspectionResult r) {
        Map<String, List<CheckResult>> byName = new LinkedHashMap<>();
        for (CheckResult c : r.checks()) {
            byName.computeIfAbsent(c.check(), k -> new ArrayList<>()).add(c);
        }
        StringBuilder s = new StringBuilder("checks (layers " + layerRange(r.layers()) + "):\n");
        List<CheckResult> failures = new ArrayList<>();
        for (Map.Entry<String, List<CheckResult>> e : byName.entrySet()) {
            List<CheckResult> list = e.getValue();
            long passed = list.stream().filter(CheckResult::passed).count();
            // For the negative control the weakest evidence is the smallest disagreement; for every
            // other check it is the largest value.
            java.util.stream.DoubleStream values = list.stream().mapToDouble(CheckResult::value).filter(v -> !Double.isNaN(v));
            double worst = (e.getKey().equals("negative-control") ? values.min() : values.max()).orElse(Double.NaN);
            s.append(String.format(Locale.ROOT, "  %s %-17s %5d/%-5d %s%n", passed == list.size() ? OK : FAIL, e.getKey(),
                    passed, list.size(), describe(e.getKey(), worst, r.causal())));
            list.stream().filter(x -> !x.passed()).forEach(failures::add);
        }
        for (String line : failureLines(failures, 8, " in summary.json")) {
            s.append("  ").append(line).append('\n');
        }
        return s.toString();
    }

    /**
     * The failed checks of an inspection, one line each ("✗ layer 0 head 3, causal: query 0 puts …"),
     * at most {@code max} of them and then a line counting the rest; empty when every check passed.
     */
    public static List<String> failures(InspectionResult r, int max) {
        return failureLines(r.checks().stream().filter(c -> !c.passed()).toList(), max, "");
    }

    private static List<String> failureLines(List<CheckResult> failures, int max, String moreIn) {
        List<String> lines = new ArrayList<>();
        for (CheckResult f : failures.subList(0, Math.min(failures.size(), max))) {
            lines.add(FAIL + " layer " + (f.layer() < 0 ? "-" : f.layer()) + (f.head() >= 0 ? " head " + f.head() : "") + ", "
                    + f.check() + ": " + f.detail());
        }
        if (failures.size() > max) {
            lines.add("… and " + (failures.size() - max) + " more failures" + moreIn);
        }
        return lines;
    }

    private static String describe(String check, double worst, boolean causal) {
        String v = String.format(Locale.ROOT, "%.3g", worst);
        return switch (check) {
            case "causal" -> causal ? "largest weight above the diagonal " + v
                    : "not causal: largest weight on a later token " + v + " (not a failure for an encoder)";
            case "rowsum" -> "largest |row sum − 1| " + v;
            case "scale" -> "the graph's score scale against 1/√d, largest |scale·√d − 1| " + v;
            case "pattern.ref" -> "largest |model − reference| in the pattern " + v;
            case "z.ref" -> "largest |model − reference| in z " + v;
            case "negative-control" -> "without the mask the reference differs, in every head by at least " + v;
            case "logits", "output" -> "hooked vs untouched graph, largest difference " + v;
            case "pattern.copy" -> "the op copy that returns the pattern vs the op, largest output difference " + v;
            case "rotary.q", "rotary.k" -> "rotary with config.json's rope_theta vs the graph's, largest difference " + v;
            default -> check.startsWith("shape.") ? "shapes against config.json" : "largest value " + v;
        };
    }

    private static String layerRange(List<Integer> layers) {
        if (layers.size() > 1 && layers.get(layers.size() - 1) - layers.get(0) == layers.size() - 1) {
            return layers.get(0) + ".." + layers.get(layers.size() - 1);
        }
        return layers.toString().replaceAll("[\\[\\] ]", "");
    }
}
