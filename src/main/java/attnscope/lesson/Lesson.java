package attnscope.lesson;

import attnscope.InputException;
import attnscope.capture.ActivationCache;
import attnscope.capture.HookedModel;
import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.inspect.InspectionResult;
import attnscope.inspect.Inspector;
import attnscope.model.ModelConfig;
import attnscope.model.ModelFolder;
import attnscope.model.TextTokenizer;
import attnscope.model.TokenCut;
import attnscope.onnx.Device;
import attnscope.output.FileSink;
import attnscope.output.OutputFolder;
import attnscope.render.AnatomyFigure;
import attnscope.render.FigureOptions;
import attnscope.render.LessonFigures;
import attnscope.render.MemoryPlot;
import attnscope.render.RowView;
import attnscope.render.ToyCharts;
import attnscope.report.ExplorerPage;
import attnscope.report.HtmlWriter;
import attnscope.report.MarkdownWriter;
import attnscope.report.Report;
import attnscope.tensor.Tensor;
import attnscope.toy.AttentionShapes;
import attnscope.toy.HandoutExample;
import attnscope.toy.HandoutText;
import attnscope.toy.Normalize;
import attnscope.toy.QueryAttention;
import attnscope.toy.ToyInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lesson in one call: the toy handout, the real model's dimensions beside the toy's, the toy
 * sentence through the real tokenizer and model, the checked shape table of a ~50-token passage,
 * the heads worth discussing (chosen by measured statistics) and the O(T²) question, written as
 * {@code index.html} and {@code lesson.md} with their figures.
 *
 * <p>Every number in the report is computed in this run; nothing is copied from elsewhere.
 */
public final class Lesson {
    /** The toy sentence of the handout, run through the real tokenizer and model. */
    public static final String TOY_SENTENCE = "the cat chases the";
    /**
     * Marks a folder as a lesson this tool wrote, so writing it again may replace it (and so that
     * {@code figures} does not replace the figures its index.html shows).
     */
    public static final String MARKER = ".attnscope-lesson";

    /**
     * @param model     the model folder (real or synthetic)
     * @param passage   the text of section 4 (about 50 tokens)
     * @param out       the report folder
     * @param rowQuery  the query token of the row view ("it"), or a position
     * @param fallbackNotice shown at the top in large type when the model is a stand-in, or null
     * @param tokens    cut the passage to exactly this many tokens ({@code --tokens}), or null for all of it
     * @param layers    the layers to capture and draw, or null for all
     * @param heads     the heads that get a heatmap of their own in every drawn layer (besides those the
     *                  lesson discusses): null for only those, empty for every head; every head is in its
     *                  layer's grid anyway
     */
    public record Request(Path model, String passage, Path out, Device device, FigureOptions figures, String rowQuery,
            String fallbackNotice, long memoryLimitBytes, Integer tokens, int[] layers, List<Integer> heads) {

        /** The whole passage, every layer, a heatmap only for the heads the lesson discusses. */
        public Request(Path model, String passage, Path out, Device device, FigureOptions figures, String rowQuery,
                String fallbackNotice, long memoryLimitBytes) {
            this(model, passage, out, device, figures, rowQuery, fallbackNotice, memoryLimitBytes, null, null, null);
        }
    }

    /** What was written, and whether inspect's checks all passed. */
    public record Outcome(Path html, Path markdown, int figureCount, boolean synthetic, boolean passed, List<CheckResult> failed) {
    }

    private Lesson() {
    }

    public static Outcome write(Request r, Consumer<String> progress) throws IOException {
        return write(r, progress, FileSink.ATOMIC);
    }

    /**
     * As {@link #write(Request, Consumer)}, the figures and pages going through {@code sink}. The
     * lesson is written into a staging folder and moved into place when complete: a failure leaves
     * the report folder as it was.
     */
    public static Outcome write(Request r, Consumer<String> progress, FileSink sink) throws IOException {
        // Everything that can be wrong with the input is found before anything is written.
        ModelFolder folder = ModelFolder.locate(r.model());
        ModelConfig config = folder.readConfig();
        // Section 1 and the O(T²) plot need neither the tokenizer nor the model (JFreeChart's first
        // chart alone takes about 0.5 s): they are drawn into memory beside the rest from the start.
        CompletableFuture<ToySection> toyDrawing = onOwnThread("attnscope-toy-section", () -> ToySection.draw(config));
        try (TextTokenizer tokenizer = TextTokenizer.open(folder.requireTokenizer())) {
            TextTokenizer.Tokens whole = checkedTokens(tokenizer.encode(r.passage()), config, "the passage");
            TextTokenizer.Tokens passage = r.tokens() == null ? whole
                    : checkedTokens(TokenCut.first(whole, r.tokens(), "the passage"), config, "the passage cut to --tokens " + r.tokens());
            String cutNotice = TokenCut.notice(whole.length(), passage.length(), "the passage");
            if (cutNotice != null) {
                progress.accept(cutNotice);
            }
            TextTokenizer.Tokens toySentence = checkedTokens(tokenizer.encode(TOY_SENTENCE), config, "the toy sentence");
            int[] layers = r.layers();
            for (int l : layers == null ? new int[0] : layers) {
                if (l < 0 || l >= config.layers()) {
                    throw new InputException("--layers: layer " + l + " does not exist: the model has " + config.layers()
                            + " layers (0.." + (config.layers() - 1) + ")");
                }
            }
            for (int h : r.heads() == null ? List.<Integer>of() : r.heads()) {
                if (h < 0 || h >= config.heads()) {
                    throw new InputException("--heads: head " + h + " does not exist; the model has " + config.heads()
                            + " heads (0.." + (config.heads() - 1) + ")");
                }
            }
            HookedModel.Prepared prepared = Inspector.prepare(r.model(), config, layers, r.memoryLimitBytes(), r.device(), progress,
                    List.of(passage, toySentence));
            checkOutput(r.out());
            progress.accept("opening " + folder.onnx() + " …");
            try (ModelOpening opening = new ModelOpening(prepared, r.device());
                    OutputFolder output = OutputFolder.open(r.out(), sink)) {
                Outcome outcome = write(r, progress, folder, opening, join(toyDrawing), passage, cutNotice, toySentence, output);
                // The figures of an earlier lesson go with it: none of them stays among the new ones.
                output.commitReplacing("figures");
                return outcome;
            }
        }
    }

    /** {@code task} on a daemon thread of its own. */
    private static <T> CompletableFuture<T> onOwnThread(String name, java.util.function.Supplier<T> task) {
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<T> result = CompletableFuture.supplyAsync(task, thread);
        thread.shutdown(); // ends after the task
        return result;
    }

    /** The value of a task of this lesson, or what it threw. */
    private static <T> T join(CompletableFuture<T> task) {
        try {
            return task.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * The checked model opened on a thread of its own: the hooked session, then the untouched one.
     * That takes about as long as preparing the output and writing the toy section, mostly on one
     * core, so it runs beside them. A failure to open is reported when the model is first needed.
     * Closing waits for the opening to end and closes what it opened.
     */
    private static final class ModelOpening implements AutoCloseable {
        private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "attnscope-open-model");
            t.setDaemon(true);
            return t;
        });
        private final CompletableFuture<HookedModel> hooked = new CompletableFuture<>();

        ModelOpening(HookedModel.Prepared prepared, Device device) {
            thread.execute(() -> {
                HookedModel m;
                try {
                    m = prepared.open(device);
                } catch (Throwable e) {
                    hooked.completeExceptionally(e);
                    return;
                }
                hooked.complete(m);
                try {
                    m.openPlain();
                } catch (RuntimeException e) {
                    // The first untouched forward pass opens it again, and reports the failure there.
                }
            });
            thread.shutdown(); // ends after the task
        }

        /** The hooked model, once open; what the opening threw, if it failed. */
        HookedModel model() {
            return join(hooked);
        }

        @Override
        public void close() {
            boolean interrupted = false;
            while (true) {
                try {
                    if (thread.awaitTermination(1, TimeUnit.DAYS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // ONNX Runtime cannot be stopped half-way: wait, then close
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (hooked.isDone() && !hooked.isCompletedExceptionally()) {
                hooked.join().close();
            }
        }
    }

    private static Outcome write(Request r, Consumer<String> progress, ModelFolder folder, ModelOpening opening,
            ToySection toySection, TextTokenizer.Tokens passage, String cutNotice, TextTokenizer.Tokens toySentence, OutputFolder output)
            throws IOException {
        ModelConfig config = folder.readConfig();
        FileSink sink = output.sink();
        Path staged = output.staging();
        Path figures = staged.resolve("figures");
        // 1. The toy handout, computed from the shipped handout inputs (drawn already).
        HandoutExample toy = toySection.toy();
        QueryAttention.Result toyResult = toySection.result();
        List<Path> written = new ArrayList<>(toySection.writeToyFigures(figures, sink));
        {
            HookedModel hooked = opening.model(); // closed by the opening
            hooked.deviceNotice().ifPresent(progress);
            progress.accept("running the hooked graph on the passage (" + passage.length() + " tokens) …");
            HookedModel.Capture capture = hooked.capture(passage.ids());
            progress.accept("running the untouched graph …");
            Tensor plain = hooked.plainForward(passage.ids());
            progress.accept("recomputing every head and checking …");
            InspectionResult result = Inspector.verify(hooked, passage, capture, plain);

            HookedModel.Capture toyCapture = hooked.capture(toySentence.ids());
            InspectionResult toyReal = new InspectionResult(config, result.attentionStyle(), result.causal(),
                    toySentence.tokens(), toySentence.ids(), result.layers(), toyCapture.cache(), new ActivationCache(), List.of());

            List<HeadStatistics> stats = HeadStatistics.of(result);
            List<HeadStatistics.Pick> picks = HeadStatistics.pick(stats, config.synthetic());
            // A heatmap of its own for each head the page discusses (and those asked for with --heads);
            // every other head is in its layer's grid. All 336 heatmaps of Qwen2.5-0.5B would be about
            // 95 MB at T = 50, too much for a page that must load on a lecture-room laptop.
            java.util.Set<List<Integer>> ownHeatmap = new java.util.HashSet<>();
            for (HeadStatistics.Pick p : picks) {
                ownHeatmap.add(List.of(p.head().layer(), p.head().head()));
            }
            List<Integer> extraHeads = r.heads() == null ? List.of()
                    : r.heads().isEmpty() ? java.util.stream.IntStream.range(0, config.heads()).boxed().toList() : r.heads();
            for (int layer : result.layers()) {
                for (int h : extraHeads) {
                    ownHeatmap.add(List.of(layer, h));
                }
            }
            progress.accept("drawing " + (ownHeatmap.size() + result.layers().size() + 1) + " figures …");
            FigureOptions opts = r.figures().forModel(config);
            List<Path> heatmaps = LessonFigures.writeAll(result, figures, opts, sink, (layer, head) -> ownHeatmap.contains(List.of(layer, head)));
            written.addAll(heatmaps);
            // The anatomy of the first head the page discusses: every tensor of one head, with its shape.
            HeadStatistics anatomyHead = picks.isEmpty() ? stats.get(0) : picks.get(0).head();
            List<Path> anatomy = AnatomyFigure.write(result, anatomyHead.layer(), anatomyHead.head(), figures, opts, sink);
            written.addAll(anatomy);
            int rowQuery;
            try {
                rowQuery = RowView.resolveQuery(result.tokens(), r.rowQuery());
            } catch (IllegalArgumentException e) {
                // A passage without the requested token still gets a row view: its last query.
                rowQuery = result.tokens().size() - 1;
                progress.accept("no token \"" + r.rowQuery() + "\" in the passage: the row view shows the last query instead");
            }
            Map<Integer, List<Integer>> picksByLayer = new TreeMap<>();
            for (HeadStatistics.Pick p : picks) {
                picksByLayer.computeIfAbsent(p.head().layer(), k -> new ArrayList<>()).add(p.head().head());
            }
            Map<Integer, Path> rowViews = new LinkedHashMap<>();
            for (var e : picksByLayer.entrySet()) {
                List<Path> files = RowView.write(result, e.getKey(), rowQuery, e.getValue(), figures, opts, sink);
                written.addAll(files);
                rowViews.put(e.getKey(), files.get(0));
            }
            int lastToy = toySentence.length() - 1;
            Map<Integer, Path> toyRowViews = new LinkedHashMap<>();
            for (var e : picksByLayer.entrySet()) {
                Path dir = figures.resolve("toy-sentence");
                List<Path> files = RowView.write(toyReal, e.getKey(), lastToy, e.getValue(), dir, opts, sink);
                written.addAll(files);
                toyRowViews.put(e.getKey(), files.get(0));
            }
            written.add(toySection.writeMemoryPlot(figures, sink));

            LessonReport content = new LessonReport(staged, config, folder, hooked.provider(), r.fallbackNotice(), toy,
                    toyResult, result, toyReal, stats, picks, rowQuery, rowViews, toyRowViews, cutNotice, heatmaps, anatomy.get(0),
                    anatomyHead);
            Report report = content.build();
            Path html = output.write("index.html", HtmlWriter.render(report).getBytes(StandardCharsets.UTF_8));
            Path md = output.write("lesson.md", MarkdownWriter.render(report).getBytes(StandardCharsets.UTF_8));
            output.write(ExplorerPage.FILE, ExplorerPage.html(result).getBytes(StandardCharsets.UTF_8));
            Report gallery = content.gallery();
            output.write(LessonReport.GALLERY + ".html", HtmlWriter.render(gallery).getBytes(StandardCharsets.UTF_8));
            output.write(LessonReport.GALLERY + ".md", MarkdownWriter.render(gallery).getBytes(StandardCharsets.UTF_8));
            output.write(MARKER, "written by attnscope lesson; the folder may be replaced by the next run\n"
                    .getBytes(StandardCharsets.UTF_8));
            List<CheckResult> failed = result.checks().stream().filter(c -> !c.passed()).toList();
            return new Outcome(html, md, written.size(), config.synthetic(), result.passed(), failed);

        }
    }

    /** Tokens whose ids fit the model; an empty text is refused rather than producing an empty lesson. */
    private static TextTokenizer.Tokens checkedTokens(TextTokenizer.Tokens tokens, ModelConfig config, String what) {
        if (tokens.length() < 2) {
            throw new InputException(what + " has " + tokens.length() + " token(s): the lesson needs at least 2");
        }
        for (int id : tokens.ids()) {
            if (id >= config.vocab()) {
                throw new InputException("the tokenizer produced id " + id + " for " + what + ", outside the model's vocabulary (0.."
                        + (config.vocab() - 1) + "): tokenizer.json does not belong to this model");
            }
        }
        return tokens;
    }

    /**
     * The report folder may be created, or replaced when this tool wrote it (it carries the marker);
     * a folder holding anything else is never touched. Only checks: nothing is written here.
     */
    static void checkOutput(Path out) throws IOException {
        OutputFolder.requireWritable(out, "--out");
        if (!Files.isDirectory(out)) {
            return;
        }
        boolean foreign;
        try (var s = Files.list(out)) {
            // attnscope's own names (the lock, the manifest, a staging folder left by a killed run) are not the user's.
            foreign = s.anyMatch(p -> !OutputFolder.isOwnName(p.getFileName().toString()));
        }
        if (foreign && !Files.exists(out.resolve(MARKER))) {
            // The folder of an inspect or figures run is attnscope's too (its manifest says so), but not a lesson.
            throw new InputException(out + " already holds files that attnscope lesson did not write (your own, or another"
                    + " command's output): choose another --out");
        }
    }

    /**
     * Section 1 and the O(T²) plot, which need neither the model nor the tokenizer: the toy handout
     * computed from the shipped handout inputs, and three charts drawn into memory (PNG bytes), to be
     * written once the output folder is ready.
     */
    private record ToySection(HandoutExample toy, QueryAttention.Result result, byte[] weightsPng, byte[] vectorsPng,
            byte[] memoryPng) {

        static ToySection draw(ModelConfig config) {
            HandoutExample ex = HandoutExample.from(ToyInput.builtIn("handout"));
            QueryAttention.Result r = QueryAttention.compute(ex, false);
            List<String> labels = new ArrayList<>();
            for (int j = 0; j < ex.length(); j++) {
                labels.add(j + " " + ex.tokens().get(j));
            }
            byte[] bars = png(ToyCharts.weightBars("Toy: weights of the query \"" + ex.tokens().get(ex.queryPosition())
                    + "\" (÷ sum vs softmax)", labels, r.sum().defined() ? r.sum().weights() : null, r.softmax().weights()), 900, 560);
            byte[] vectors = png(ToyCharts.vectors("Toy: keys, values, the query and the output (softmax)", ex.tokens(), ex.keys(),
                    ex.values(), ex.query(), r.softmax().output(), "output (softmax)"), 760, 760);

            AttentionShapes shapes = new AttentionShapes(config, 50);
            int last = config.maxPositions() > 0 ? config.maxPositions() : 32768;
            List<Integer> lengths = AttentionShapes.doublings(50, last);
            long[] perLayer = new long[lengths.size()];
            long[] whole = new long[lengths.size()];
            for (int i = 0; i < lengths.size(); i++) {
                perLayer[i] = shapes.withTokens(lengths.get(i)).scoreBytesPerLayer();
                whole[i] = shapes.withTokens(lengths.get(i)).scoreBytesModel();
            }
            String title = "Attention scores: memory against T (H = " + config.heads() + ", " + config.layers() + " layers)";
            byte[] memory = png(MemoryPlot.chart(title, lengths, perLayer, whole, config.layers()), 900, 600);
            return new ToySection(ex, r, bars, vectors, memory);
        }

        private static byte[] png(org.jfree.chart.JFreeChart chart, int width, int height) {
            return ToyCharts.pngBytes(ToyCharts.image(chart, width, height));
        }

        List<Path> writeToyFigures(Path figures, FileSink sink) {
            return List.of(ToyCharts.write(weightsPng, figures.resolve("toy_weights.png"), sink),
                    ToyCharts.write(vectorsPng, figures.resolve("toy_vectors.png"), sink));
        }

        Path writeMemoryPlot(Path figures, FileSink sink) {
            return ToyCharts.write(memoryPng, figures.resolve("memory_vs_tokens.png"), sink);
        }
    }

    /** The weight of the last query row of one head, (T) keys. */
    static float[] lastRow(InspectionResult r, int layer, int head) {
        Tensor p = r.model().get(layer, Site.PATTERN); // (H, T, T)
        int t = p.dim(1);
        float[] row = new float[t];
        System.arraycopy(p.data(), head * t * t + (t - 1) * t, row, 0, t);
        return row;
    }

    static String percent(double w) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * w);
    }

    static List<Normalize> bothNormalizations() {
        return List.of(Normalize.SUM, Normalize.SOFTMAX);
    }

    static String handoutTable(QueryAttention.Result r) {
        return HandoutText.render(r, bothNormalizations());
    }
}
