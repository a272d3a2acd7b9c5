package attnscope.lesson;

import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.inspect.InspectionResult;
import attnscope.model.ModelConfig;
import attnscope.model.ModelFolder;
import attnscope.render.LessonFigures;
import attnscope.render.TokenLabels;
import attnscope.report.Report;
import attnscope.tensor.Shapes;
import attnscope.toy.AttentionShapes;
import attnscope.toy.HandoutExample;
import attnscope.toy.QueryAttention;
import attnscope.toy.ShapesText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Puts the lesson's computed pieces into one {@link Report}, section by section, in the order the
 * instructor teaches them. Only arrangement and wording live here: every number comes from the
 * toy computation, the inspection or the statistics passed in.
 */
final class LessonReport {
    private final Path out;
    private final ModelConfig config;
    private final ModelFolder folder;
    private final String provider;
    private final String fallbackNotice;
    private final HandoutExample toy;
    private final QueryAttention.Result toyResult;
    private final InspectionResult passage;
    private final InspectionResult toySentence;
    private final List<HeadStatistics> stats;
    private final List<HeadStatistics.Pick> picks;
    private final int rowQuery;
    private final Map<Integer, Path> rowViews;
    private final Map<Integer, Path> toyRowViews;

    LessonReport(Path out, ModelConfig config, ModelFolder folder, String provider, String fallbackNotice, HandoutExample toy,
            QueryAttention.Result toyResult, InspectionResult passage, InspectionResult toySentence, List<HeadStatistics> stats,
            List<HeadStatistics.Pick> picks, int rowQuery, Map<Integer, Path> rowViews, Map<Integer, Path> toyRowViews) {
        this.out = out;
        this.config = config;
        this.folder = folder;
        this.provider = provider;
        this.fallbackNotice = fallbackNotice;
        this.toy = toy;
        this.toyResult = toyResult;
        this.passage = passage;
        this.toySentence = toySentence;
        this.stats = stats;
        this.picks = picks;
        this.rowQuery = rowQuery;
        this.rowViews = rowViews;
        this.toyRowViews = toyRowViews;
    }

    /**
     * How the report names its model: the folder's name, or for a synthetic model what it really is,
     * derived from its config.json ("Qwen2.5-0.5B's geometry" only where the geometry is Qwen's).
     */
    static String modelName(ModelConfig config, String folderName) {
        if (!config.synthetic()) {
            return folderName;
        }
        return config.sameAttentionGeometry(ModelConfig.qwen25_05b())
                ? "a synthetic model with Qwen2.5-0.5B's geometry (random weights)"
                : "a synthetic model (random weights; " + config.geometry() + ")";
    }

    Report build() {
        String modelName = modelName(config, folder.dir().getFileName().toString());
        Report r = new Report("Attention: from the handout to " + modelName);
        r.heading(1, "Attention: from the handout to a real model");
        if (fallbackNotice != null) {
            r.banner(fallbackNotice);
        }
        r.paragraph("Model: " + modelName + " (" + config.modelType() + ", run on " + provider + "). Every number below was "
                + "computed by attnscope in this run: the toy by hand-sized arithmetic, the model by ONNX Runtime, and each "
                + "head again by attnscope's own reference implementation of pattern = softmax(Q·Kᵀ/√d + mask), z = pattern·V.");
        toySection(r);
        dimensionsSection(r);
        toySentenceSection(r);
        shapesSection(r);
        headsSection(r);
        complexitySection(r);
        return r;
    }

    private void toySection(Report r) {
        r.heading(2, "1. The handout: \"" + String.join(" ", toy.tokens()) + "\"");
        r.paragraph("The query of \"" + toy.tokens().get(toy.queryPosition()) + "\" (position " + toy.queryPosition()
                + ") against every key: the score is the dot product, the weight is the score divided by the sum of the scores "
                + "(the handout's first attempt), then softmax; the output is the weighted sum of the values.");
        r.preformatted(Lesson.handoutTable(toyResult));
        r.figure("figures/toy_weights.png", "Toy weights per key: divided by the sum against softmax.", "toy weights bar chart");
        r.figure("figures/toy_vectors.png", "Toy keys, the query and the softmax output as 2-D vectors.", "toy vectors plot");
    }

    private void dimensionsSection(Report r) {
        r.heading(2, "2. The same formula, real dimensions");
        int t = passage.ids().length;
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("tokens in the example (T)", String.valueOf(toy.length()), String.valueOf(t)));
        rows.add(List.of("vector size of Q, K, V per head (d)", String.valueOf(toy.query().length), String.valueOf(config.headDim())));
        rows.add(List.of("query heads per layer (H)", "1", String.valueOf(config.heads())));
        rows.add(List.of("key/value heads per layer (Hkv)", "1", config.kvHeads() + " (each shared by " + config.groupSize() + " query heads)"));
        rows.add(List.of("hidden size (D)", String.valueOf(toy.query().length), String.valueOf(config.hidden())));
        rows.add(List.of("layers", "1", String.valueOf(config.layers())));
        rows.add(List.of("scores per head", "1 × " + toy.length() + " (one query)", t + " × " + t));
        rows.add(List.of("score entries in the whole model", String.valueOf(toy.length()),
                String.format(Locale.ROOT, "%,d", (long) config.layers() * config.heads() * t * t)));
        rows.add(List.of("causal mask", "no (one query)", passage.causal() ? "yes: a token sees only itself and earlier tokens" : "no"));
        r.table(List.of("", "toy (handout)", "real model"), rows, "Dimensions from config.json and from this run's tokens.");
    }

    private void toySentenceSection(Report r) {
        r.heading(2, "3. The toy sentence through the real tokenizer");
        List<String> tokens = toySentence.tokens();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            rows.add(List.of(String.valueOf(i), tokens.get(i), TokenLabels.display(tokens.get(i)), String.valueOf(toySentence.ids()[i])));
        }
        String[] words = Lesson.TOY_SENTENCE.split(" ");
        r.paragraph("\"" + Lesson.TOY_SENTENCE + "\" has " + words.length + " words and becomes " + tokens.size() + " tokens"
                + (tokens.size() > words.length ? ": a word can be split into several tokens (" + splitWords(tokens) + ")." : ".")
                + " A leading Ġ in a token string is the tokenizer's mark for a space before the word.");
        r.table(List.of("position", "token", "shown as", "id"), rows, "The real tokenizer's output.");

        int last = tokens.size() - 1;
        r.paragraph("The last \"the\" as a query, as in the handout. Toy (softmax) weights on its " + toy.length() + " keys, and the real "
                + "model's weights on its " + tokens.size() + " keys, for the heads chosen in section 5:");
        List<String> header = new ArrayList<>(List.of("key"));
        List<List<String>> weightRows = new ArrayList<>();
        header.add("toy (softmax)");
        List<int[]> heads = new ArrayList<>();
        for (HeadStatistics.Pick p : picks) {
            heads.add(new int[] {p.head().layer(), p.head().head()});
            header.add("layer " + p.head().layer() + " head " + p.head().head());
        }
        List<float[]> realRows = new ArrayList<>();
        for (int[] lh : heads) {
            realRows.add(Lesson.lastRow(toySentence, lh[0], lh[1]));
        }
        // One row per real token. The toy's weight for a word stands on the row of the word's first
        // token, so the toy's "chases" lines up with ␣ch and the continuation "ases" has none; when
        // the words cannot be matched (an edited sentence) the rows pair up by position instead.
        int[] word = wordOfToken(tokens);
        boolean byWord = word[word.length - 1] == toy.length() - 1;
        int rowCount = byWord ? tokens.size() : Math.max(toy.length(), tokens.size());
        for (int j = 0; j < rowCount; j++) {
            String realKey = j < tokens.size() ? TokenLabels.display(tokens.get(j)) : "";
            int toyKey = byWord ? (j == 0 || word[j] != word[j - 1] ? word[j] : -1) : (j < toy.length() ? j : -1);
            String toyWord = toyKey >= 0 ? toy.tokens().get(toyKey) : "";
            List<String> row = new ArrayList<>();
            row.add(toyKey < 0 ? "+ " + realKey : toyWord.equals(realKey) || realKey.isEmpty() ? toyWord : toyWord + " / " + realKey);
            row.add(toyKey >= 0 ? Lesson.percent(toyResult.softmax().weights()[toyKey]) : "");
            for (float[] rr : realRows) {
                row.add(j < rr.length ? Lesson.percent(rr[j]) : "");
            }
            weightRows.add(row);
        }
        r.table(header, weightRows, "Key column: toy word / real token where they differ; \"+ token\" continues the word above"
                + " (the toy has no weight of its own there). The real query is position " + last + "; the toy's is position "
                + toy.queryPosition() + ".");
        for (var e : toyRowViews.entrySet()) {
            r.figure(relative(e.getValue()), "Real model, layer " + e.getKey() + ": the weights of the last \"the\" over the keys of \""
                    + Lesson.TOY_SENTENCE + "\".", "row view of the toy sentence, layer " + e.getKey());
        }
    }

    /**
     * The word each token belongs to, counting from 0: a token that starts with the byte-level space
     * mark Ġ starts a new word, so "the Ġcat Ġch ases Ġthe" gives 0 1 2 2 3.
     */
    static int[] wordOfToken(List<String> tokens) {
        int[] word = new int[tokens.size()];
        for (int j = 1; j < word.length; j++) {
            word[j] = word[j - 1] + (tokens.get(j).startsWith("Ġ") ? 1 : 0);
        }
        return word;
    }

    private String splitWords(List<String> tokens) {
        List<String> shown = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String tok : tokens) {
            boolean startsWord = tok.startsWith("Ġ") || current.isEmpty();
            if (startsWord && !current.isEmpty()) {
                if (current.size() > 1) {
                    shown.add(String.join(" + ", current));
                }
                current.clear();
            }
            current.add(TokenLabels.display(tok));
        }
        if (current.size() > 1) {
            shown.add(String.join(" + ", current));
        }
        return String.join("; ", shown);
    }

    private void shapesSection(Report r) {
        int t = passage.ids().length;
        r.heading(2, "4. The shapes, checked: a passage of " + t + " tokens");
        r.paragraph("Passage tokens: " + String.join(" ", TokenLabels.display(passage.tokens())));
        int layer = passage.layers().get(0);
        AttentionShapes expected = new AttentionShapes(config, t);
        List<List<String>> rows = new ArrayList<>();
        rows.add(shapeRow("Q (after rotary)", expected.q(), passage.model().get(layer, Site.Q).shape(), config.heads() + " query heads"));
        rows.add(shapeRow("K", expected.kv(), passage.model().get(layer, Site.K).shape(),
                config.kvHeads() + " key/value heads, each shared by " + config.groupSize() + " query heads"));
        rows.add(shapeRow("V", expected.kv(), passage.model().get(layer, Site.V).shape(), "shared like K"));
        rows.add(shapeRow("pattern = softmax(QKᵀ/√d + mask)", expected.scores(), passage.model().get(layer, Site.PATTERN).shape(),
                "one " + t + " × " + t + " matrix per query head"));
        rows.add(shapeRow("z = pattern · V", expected.z(), passage.model().get(layer, Site.Z).shape(),
                "per-head output, concatenated to " + t + " × " + config.hidden() + " before o_proj"));
        r.table(List.of("tensor (layer " + layer + ")", "expected from config.json", "captured from the model", "", "note"), rows,
                "Per head: " + t + " × " + config.headDim() + " vectors and a " + t + " × " + t + " pattern. The same shapes hold in every one of the "
                        + passage.layers().size() + " layers (checked per layer below).");

        Map<String, List<CheckResult>> byCheck = new LinkedHashMap<>();
        for (CheckResult c : passage.checks()) {
            byCheck.computeIfAbsent(c.check(), k -> new ArrayList<>()).add(c);
        }
        List<List<String>> checkRows = new ArrayList<>();
        for (var e : byCheck.entrySet()) {
            List<CheckResult> cs = e.getValue();
            long passed = cs.stream().filter(CheckResult::passed).count();
            CheckResult worst = cs.stream().filter(c -> !Double.isNaN(c.value())).max(java.util.Comparator.comparingDouble(
                    c -> e.getKey().equals("negative-control") ? -c.value() : c.value())).orElse(cs.get(0));
            checkRows.add(List.of(e.getKey(), describe(e.getKey()), passed + " / " + cs.size(), number(worst.value()),
                    number(worst.limit()), passed == cs.size() ? "✓" : "✗"));
        }
        r.table(List.of("check", "what it proves", "passed", "worst value", "limit", ""), checkRows,
                "Worst value over all layers and heads (for the negative control: the smallest disagreement, which must exceed its limit).");
        long failed = passage.checks().stream().filter(c -> !c.passed()).count();
        r.paragraph(failed == 0 ? "All " + passage.checks().size() + " checks passed."
                : failed + " of " + passage.checks().size() + " checks FAILED: see `attnscope inspect` for the details.");
    }

    private static List<String> shapeRow(String name, int[] expected, int[] actual, String note) {
        return List.of(name, Shapes.times(expected), Shapes.times(actual), java.util.Arrays.equals(expected, actual) ? "✓" : "✗", note);
    }

    private static String describe(String check) {
        if (check.startsWith("shape.")) {
            return "the captured " + check.substring(6) + " has the shape config.json implies";
        }
        return switch (check) {
            case "causal" -> "largest weight on a future token (must be exactly 0)";
            case "rowsum" -> "each query's weights sum to 1";
            case "pattern.ref" -> "attnscope's softmax(QKᵀ/√d + mask) equals the model's pattern";
            case "z.ref" -> "attnscope's pattern·V equals the model's per-head output";
            case "negative-control" -> "without the mask the recomputation disagrees (so the agreement is not trivial)";
            case "logits", "output" -> "exposing the tensors did not change the model's output";
            case "rotary.q", "rotary.k" -> "attnscope's rotary embedding (θ from config.json) reproduces the model's";
            case "scale" -> "the model divides the scores by √d (worst value: |scale·√d − 1|)";
            default -> check;
        };
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.2e", v);
    }

    private void headsSection(Report r) {
        r.heading(2, "5. Heads worth discussing");
        r.paragraph("Chosen by measured statistics over the passage's queries 1.." + (passage.ids().length - 1)
                + ": mean row entropy, mean weight on the previous token, and mean weight on the first token.");
        List<List<String>> rows = new ArrayList<>();
        for (HeadStatistics.Pick p : picks) {
            HeadStatistics s = p.head();
            rows.add(List.of("layer " + s.layer() + " · head " + s.head(), String.valueOf(s.head() / config.groupSize()),
                    String.format(Locale.ROOT, "%.2f", s.entropyBits()), Lesson.percent(s.previousToken()),
                    Lesson.percent(s.firstToken()), p.why()));
        }
        r.table(List.of("head", "KV head", "entropy (bits)", "on previous token", "on first token", "why"), rows,
                "Statistics of all " + stats.size() + " heads were measured; these are the extremes.");
        for (HeadStatistics.Pick p : picks) {
            HeadStatistics s = p.head();
            r.figure("figures/" + LessonFigures.headName(s.layer(), s.head()) + ".png",
                    "Layer " + s.layer() + " · head " + s.head() + ": " + p.why() + ".",
                    "heatmap of layer " + s.layer() + " head " + s.head());
        }
        String q = TokenLabels.display(passage.tokens().get(rowQuery));
        for (var e : rowViews.entrySet()) {
            r.figure(relative(e.getValue()), "Layer " + e.getKey() + ": where the query \"" + q + "\" (position " + rowQuery
                    + ") looks, for the chosen heads of this layer.", "row view of query " + rowQuery + " in layer " + e.getKey());
        }
        int gridLayer = picks.isEmpty() ? passage.layers().get(0) : picks.get(0).head().layer();
        r.figure("figures/" + LessonFigures.gridName(gridLayer) + ".png", "All heads of layer " + gridLayer
                + ", grouped by the key/value head they share.", "grid of layer " + gridLayer);
        r.figure("figures/" + LessonFigures.OVERVIEW + ".png", "Every layer (rows) × every head (columns): previous-token heads show "
                + "as a line just below the diagonal, attention sinks as a bright first column.", "overview of all heads");
    }

    private void complexitySection(Report r) {
        r.heading(2, "6. The complexity question: memory of the scores against T");
        AttentionShapes s = new AttentionShapes(config, passage.ids().length);
        List<List<String>> rows = new ArrayList<>();
        for (int t : AttentionShapes.doublings(50, config.maxPositions() > 0 ? config.maxPositions() : 32768)) {
            AttentionShapes at = s.withTokens(t);
            rows.add(List.of(String.valueOf(t), String.format(Locale.ROOT, "%,d", at.scoreEntriesPerLayer()),
                    ShapesText.bytes(at.scoreBytesPerLayer()), ShapesText.bytes(at.scoreBytesModel())));
        }
        r.paragraph("Each head holds a T × T score matrix, so the scores of a layer take H·T² numbers: doubling T quadruples them. "
                + "That is why long contexts are expensive, and why inference engines avoid materialising the pattern at all.");
        r.table(List.of("T", "score entries per layer", "fp32 per layer", "fp32, all " + config.layers() + " layers"), rows, "fp32 = 4 bytes per number; KiB = 1024 bytes, MiB = 1024 KiB (as `attnscope shapes` prints them).");
        r.figure("figures/memory_vs_tokens.png", "Score memory against T (log–log: a straight line of slope 2).", "memory against tokens");
    }

    private String relative(Path file) {
        return out.relativize(file).toString().replace('\\', '/');
    }
}
