package attnscope.lesson;

import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.inspect.InspectionResult;
import attnscope.model.ModelConfig;
import attnscope.model.ModelFolder;
import attnscope.render.LessonFigures;
import attnscope.render.TokenLabels;
import attnscope.report.ExplorerPage;
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
    private final String cutNotice;
    private final List<Path> heatmaps;
    private final Path anatomy;
    private final HeadStatistics anatomyHead;

    /** Base name of the page that links every head's figure: gallery.html and gallery.md. */
    static final String GALLERY = "gallery";

    /**
     * @param cutNotice "cut the passage from 53 to its first 50 tokens", or null when --tokens cut nothing
     * @param heatmaps  the head heatmaps, grids and overview written (every format), for the gallery
     */
    LessonReport(Path out, ModelConfig config, ModelFolder folder, String provider, String fallbackNotice, HandoutExample toy,
            QueryAttention.Result toyResult, InspectionResult passage, InspectionResult toySentence, List<HeadStatistics> stats,
            List<HeadStatistics.Pick> picks, int rowQuery, Map<Integer, Path> rowViews, Map<Integer, Path> toyRowViews,
            String cutNotice, List<Path> heatmaps, Path anatomy, HeadStatistics anatomyHead) {
        this.anatomy = anatomy;
        this.anatomyHead = anatomyHead;
        this.cutNotice = cutNotice;
        this.heatmaps = List.copyOf(heatmaps);
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
        long failedChecks = passage.checks().stream().filter(c -> !c.passed()).count();
        if (failedChecks > 0) {
            // On the first screen: the figures below show this model's values as they are, and the checks say
            // those values are not the formula's (a leaking mask, say). Section 4 alone was too far down.
            r.banner(failedChecks + " of " + passage.checks().size() + " checks FAILED: this model's attention does not match "
                    + "pattern = softmax(Q·Kᵀ/√d + mask) everywhere, and its figures below show its values as they are. "
                    + "Section 4 lists the checks; `attnscope inspect` names every failure.");
        }
        r.contents(List.of(new Report.Link("Gallery: every layer's heads, and every figure of this lesson", GALLERY + ".html")));
        r.paragraph("Model: " + modelName + " (" + config.modelType() + ", run on " + provider + "). Every number below was "
                + "computed by attnscope in this run: the toy by hand-sized arithmetic, the model by ONNX Runtime, and each "
                + "head again by attnscope's own reference implementation of pattern = softmax(Q·Kᵀ/√d + mask), z = pattern·V.");
        r.link(ExplorerPage.FILE, "Explore every layer × head interactively (explorer.html: hover a token, arrows change head and layer).");
        toySection(r);
        dimensionsSection(r);
        costSection(r);
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
        AttentionBudget budget = new AttentionBudget(config, t);
        rows.add(List.of("batch (texts per run)", "—", "1: the graph's tensors carry it as a leading axis, Q is "
                + Shapes.times(budget.batchedQueryShape()) + " = (batch, H, T, d)"));
        r.table(List.of("", "toy (handout)", "real model"), rows, "Dimensions from config.json and from this run's tokens.");

        List<List<String>> groups = new ArrayList<>();
        for (int g = 0; g < config.kvHeads(); g++) {
            groups.add(List.of("KV head " + g, "query heads " + g * config.groupSize() + "–" + ((g + 1) * config.groupSize() - 1),
                    "K and V of layer L: " + config.headDim() + " numbers per token, read by " + config.groupSize() + " query heads"));
        }
        r.paragraph("Grouped-query attention: query head h reads key/value head ⌊h / " + config.groupSize() + "⌋ (H / Hkv = "
                + config.heads() + " / " + config.kvHeads() + ").");
        r.table(List.of("key/value head", "query heads that share it", "what it holds"), groups,
                "Head → KV-head map from config.json (num_attention_heads / num_key_value_heads).");
    }

    /** The KV cache and the attention's parameters: why grouped-query attention exists, and what attention weighs. */
    private void costSection(Report r) {
        int t = passage.ids().length;
        AttentionBudget b = new AttentionBudget(config, t);
        r.heading(2, "2b. The key/value cache and the attention's parameters");
        r.paragraph("A model that generates text keeps every layer's keys and values (present." + "N.key and present.N.value) so that "
                + "the next token attends to them without recomputing them. Each is " + Shapes.times(b.cacheShape())
                + " = (batch, Hkv, T, d) per layer: only the " + config.kvHeads() + " key/value heads are kept, not the "
                + config.heads() + " query heads. That saving is the reason grouped-query attention exists.");
        List<List<String>> cache = new ArrayList<>();
        cache.add(List.of("this model: Hkv = " + config.kvHeads(), "2 × " + config.kvHeads() + " × " + t + " × " + config.headDim() + " × 4 bytes",
                AttentionBudget.mebibytes(b.cacheBytesPerLayer(config.kvHeads())), AttentionBudget.mebibytes(b.cacheBytes())));
        cache.add(List.of("one key/value head per query head: Hkv = " + config.heads(),
                "2 × " + config.heads() + " × " + t + " × " + config.headDim() + " × 4 bytes",
                AttentionBudget.mebibytes(b.cacheBytesPerLayer(config.heads())), AttentionBudget.mebibytes(b.cacheBytesWithoutGrouping())));
        r.table(List.of("key/value heads", "K and V per layer", "per layer", "all " + config.layers() + " layers"), cache,
                String.format(Locale.ROOT, "fp32 cache at T = %d: grouping saves %.0f× (H / Hkv = %d / %d). The cache grows linearly in T.",
                        t, (double) b.cacheBytesWithoutGrouping() / b.cacheBytes(), config.heads(), config.kvHeads()));

        int hd = config.heads() * config.headDim();
        int kvd = config.kvHeads() * config.headDim();
        List<List<String>> params = new ArrayList<>();
        params.add(List.of("q_proj", config.hidden() + " × " + hd + (b.qkvBias() ? " + " + hd + " (bias)" : ""), count(b.queryParameters())));
        params.add(List.of("k_proj", config.hidden() + " × " + kvd + (b.qkvBias() ? " + " + kvd + " (bias)" : ""), count(b.keyParameters())));
        params.add(List.of("v_proj", config.hidden() + " × " + kvd + (b.qkvBias() ? " + " + kvd + " (bias)" : ""), count(b.keyParameters())));
        params.add(List.of("o_proj", hd + " × " + config.hidden() + " (no bias)", count(b.outputParameters())));
        params.add(List.of("attention, one layer", "", count(b.attentionParametersPerLayer())));
        params.add(List.of("attention, all " + config.layers() + " layers", "", count(b.attentionParameters()) + " ("
                + AttentionBudget.millions(b.attentionParameters()) + ")"));
        String caption;
        if (b.totalParameters().isPresent()) {
            long total = b.totalParameters().getAsLong();
            params.add(List.of("whole model", "embedding " + config.vocab() + " × " + config.hidden() + ", per layer attention + MLP 3 × "
                    + config.hidden() + " × " + config.intermediate() + " + 2 norms, final norm" + (config.tiedEmbeddings() ? ", lm_head tied" : ", lm_head"),
                    count(total) + " (" + AttentionBudget.millions(total) + ")"));
            caption = String.format(Locale.ROOT, "Attention is %.1f %% of the model's parameters; the MLPs and the embedding hold the rest.",
                    100.0 * b.attentionParameters() / total);
        } else {
            caption = "The whole model is not counted: its family (" + config.modelType() + ") has a layout this formula does not describe.";
        }
        r.table(List.of("weights", "shape", "parameters"), params, "Computed from config.json (" + (b.qkvBias() ? "Qwen2: q, k and v have biases"
                : "no biases") + "). " + caption);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private void toySentenceSection(Report r) {
        r.heading(2, "3. The toy sentence through the real tokenizer");
        List<String> tokens = toySentence.tokens();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            rows.add(List.of(String.valueOf(i), Report.literal(tokens.get(i)), Report.literal(TokenLabels.display(tokens.get(i))),
                    String.valueOf(toySentence.ids()[i])));
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
            String realKey = j < tokens.size() ? Report.literal(TokenLabels.display(tokens.get(j))) : "";
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
            current.add(Report.literal(TokenLabels.display(tok)));
        }
        if (current.size() > 1) {
            shown.add(String.join(" + ", current));
        }
        return String.join("; ", shown);
    }

    private void shapesSection(Report r) {
        int t = passage.ids().length;
        r.heading(2, "4. The shapes, checked: a passage of " + t + " tokens");
        if (cutNotice != null) {
            r.paragraph("The passage was " + cutNotice.replaceFirst("^cut the passage", "cut") + ": exactly " + t + " tokens, so every shape below has T = " + t + ".");
        }
        r.paragraph("Passage tokens: " + Report.literal(String.join(" ", TokenLabels.display(passage.tokens()))));
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

        boolean scores = passage.model().has(anatomyHead.layer(), Site.SCORES);
        r.paragraph("The same shapes as one picture: the anatomy of head " + anatomyHead.head() + " in layer " + anatomyHead.layer()
                + ", from the layer's input X (" + t + " × " + config.hidden() + ") through Q, K, V (" + t + " × " + config.headDim()
                + " each), the scores (" + t + " × " + t + "), the pattern and z (" + t + " × " + config.headDim() + ") to the concatenation of all "
                + config.heads() + " heads (" + t + " × " + config.heads() * config.headDim() + ") that o_proj turns back into "
                + t + " × " + config.hidden() + ". " + (scores ? "The scores are the graph's own pre-softmax tensor (scaled, before the mask)."
                        : "This graph holds no scores tensor: the scores block is Q·Kᵀ/√d from the captured Q and K."));
        r.figure(relative(anatomy), "Anatomy of layer " + anatomyHead.layer() + " · head " + anatomyHead.head() + ": every block is "
                + "this run's values, labelled with its shape; X and the output of o_proj are not captured, so they are drawn as shapes only.",
                "anatomy of layer " + anatomyHead.layer() + " head " + anatomyHead.head());

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
            case "pattern.copy" -> "the copy of the attention op that returned the pattern computes the model's attention output";
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
        r.paragraph(roles());
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
        String q = Report.literal(TokenLabels.display(passage.tokens().get(rowQuery)));
        for (var e : rowViews.entrySet()) {
            r.figure(relative(e.getValue()), "Layer " + e.getKey() + ": where the query \"" + q + "\" (position " + rowQuery
                    + ") looks, for the chosen heads of this layer.", "row view of query " + rowQuery + " in layer " + e.getKey());
        }
        int gridLayer = picks.isEmpty() ? passage.layers().get(0) : picks.get(0).head().layer();
        r.figure("figures/" + LessonFigures.gridName(gridLayer) + ".png", "All heads of layer " + gridLayer
                + ", grouped by the key/value head they share.", "grid of layer " + gridLayer);
        r.figure("figures/" + LessonFigures.OVERVIEW + ".png", "Every layer (rows) × every head (columns)" + (config.synthetic()
                ? " (" + HeadStatistics.NO_ROLES + ")." : ": previous-token heads show as a line just below the diagonal, attention "
                + "sinks as a bright first column."), "overview of all heads");
        r.paragraph("Every other head is in its layer's grid: see the gallery (" + GALLERY + ".html).");
    }

    /** What the heads are, with the thresholds stated: a role is named only at or above them, never on random weights. */
    private String roles() {
        if (config.synthetic()) {
            return "This model's weights are random: " + HeadStatistics.NO_ROLES + ". Its heads are listed by their measured "
                    + "numbers only; no head is called a previous-token head or an attention sink.";
        }
        String threshold = Lesson.percent(HeadStatistics.ROLE_THRESHOLD).replace(".0 %", " %");
        HeadStatistics prev = stats.stream().max(java.util.Comparator.comparingDouble(HeadStatistics::previousToken)).orElseThrow();
        HeadStatistics first = stats.stream().max(java.util.Comparator.comparingDouble(HeadStatistics::firstToken)).orElseThrow();
        return "A head is called a previous-token head only when at least " + threshold + " of each query's weight (on average) "
                + "goes to the token just before it, and an attention sink only when at least " + threshold + " goes to the first "
                + "token. Highest measured: " + Lesson.percent(prev.previousToken()) + " on the previous token (layer " + prev.layer()
                + " head " + prev.head() + "), " + Lesson.percent(first.firstToken()) + " on the first token (layer " + first.layer()
                + " head " + first.head() + ")" + (prev.previousToken() < HeadStatistics.ROLE_THRESHOLD
                        ? "; no head reaches the previous-token threshold" : "")
                + (first.firstToken() < HeadStatistics.ROLE_THRESHOLD ? "; no head reaches the sink threshold" : "") + ".";
    }

    /** The gallery page: every layer's grid, then every head heatmap and other figure this lesson wrote, linked. */
    Report gallery() {
        Report g = new Report("Gallery: every figure of the lesson");
        g.heading(1, "Gallery: every figure of the lesson");
        g.contents(List.of(new Report.Link("Back to the lesson", "index.html")));
        g.paragraph("Every layer's grid shows all " + config.heads() + " heads of the layer; the "
                + "heads discussed in the lesson (and those chosen with --heads) also have a heatmap of their own. Click a figure "
                + "for the full size.");
        List<Report.Link> grids = new ArrayList<>();
        List<Report.Link> heads = new ArrayList<>();
        List<Report.Link> others = new ArrayList<>();
        for (Path f : heatmaps) {
            String rel = relative(f);
            String name = f.getFileName().toString();
            if (!name.endsWith(".png")) {
                others.add(new Report.Link(name, rel));
            } else if (name.contains("_grid")) {
                grids.add(new Report.Link(name.replace(".png", "").replace("_", " "), rel));
            } else if (name.contains("_head")) {
                heads.add(new Report.Link(name.replace(".png", "").replace("_", " "), rel));
            } else {
                others.add(new Report.Link(name, rel));
            }
        }
        g.heading(2, "Layer grids: all heads of each layer");
        g.gallery(grids, true);
        g.heading(2, "Heads with a heatmap of their own");
        g.gallery(heads, false);
        if (!others.isEmpty()) {
            g.heading(2, "Other figures and formats");
            g.gallery(others, true);
        }
        return g;
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
