package attnscope.bench;

import attnscope.capture.HookedModel;
import attnscope.inspect.InspectionResult;
import attnscope.inspect.Inspector;
import attnscope.inspect.MemoryGuard;
import attnscope.model.ModelConfig;
import attnscope.model.TextTokenizer;
import attnscope.model.TextTokenizer.Tokens;
import attnscope.onnx.Device;
import attnscope.onnx.Sessions;
import attnscope.render.FigureOptions;
import attnscope.render.LessonFigures;
import attnscope.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Times the whole job on one model, step by step, as the lesson runs it: session creation (hooked
 * and untouched graph), the untouched forward pass, the hooked forward pass, the reference
 * recomputation with every check, every figure of the lesson, and the lesson command itself as a
 * separate process. Each time is the median of {@code runs} runs after one warm-up run.
 *
 * <p>The steps call the library directly, so a T beyond the memory guard is still measured; the
 * lesson command, which honours the guard, is then given {@code --max-memory} for that T. Session
 * times are taken in this process after the first opening, so they do not include mapping the
 * weight file (about 0.1 s, once per process); the lesson command pays it and is timed whole.
 */
public final class Benchmark {
    /**
     * What to run.
     *
     * @param modelDir  the model folder
     * @param tokens    the T values, ascending
     * @param runs      timed runs per step (≥ 1), after one warm-up run
     * @param jar       attnscope.jar for the lesson step, or null to skip it
     * @param scratch   a folder for figures and lesson outputs (emptied after each run)
     * @param lessonTimeoutSeconds a lesson run is stopped after this
     */
    public record Settings(Path modelDir, int[] tokens, int runs, Path jar, Path scratch, long lessonTimeoutSeconds) {
    }

    private final Settings settings;
    private final Consumer<String> progress;

    public Benchmark(Settings settings, Consumer<String> progress) {
        if (settings.runs() < 1) {
            throw new IllegalArgumentException("Expected at least 1 run but found " + settings.runs());
        }
        this.settings = settings;
        this.progress = progress;
    }

    public BenchReport run() throws Exception {
        Path dir = settings.modelDir();
        ModelConfig config = ModelConfig.read(dir.resolve("config.json"));
        int runs = settings.runs();
        List<BenchInput.Input> inputs = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.open(dir.resolve("tokenizer.json"))) {
            for (int t : settings.tokens()) {
                inputs.add(BenchInput.of(tokenizer, t));
            }
        }

        // The lesson processes run first, while this process holds no model and no tensors: at large T
        // both would need many GB at once.
        List<LessonTimes> lessons = new ArrayList<>();
        for (BenchInput.Input input : inputs) {
            lessons.add(lesson(input, withinGuard(config, input.tokens().length())));
        }

        progress.accept("bench: session creation, " + runs + " run(s) after a warm-up (each opens the hooked and the untouched graph)");
        BenchReport.SessionTimes session = sessionTimes(dir, runs);
        progress.accept(String.format("bench:   hooked %.2f s + untouched %.2f s", session.hooked(), session.plain()));

        List<BenchReport.Result> results = new ArrayList<>();
        try (HookedModel model = HookedModel.open(dir, Device.CPU, null)) {
            model.openPlain();
            for (int i = 0; i < inputs.size(); i++) {
                results.add(measure(model, config, inputs.get(i), session, lessons.get(i)));
                System.gc(); // let the previous T's tensors go before the next T is measured
            }
        }
        return new BenchReport(Runtime.getRuntime().availableProcessors(), Sessions.intraOpThreads(),
                BenchModel.modelBytes(dir), runs, results, session, largestAdmittedTokens(config), config.layers(), config.heads());
    }

    /** Median times to create the hooked session and the untouched one; each pair is closed before the next. */
    private BenchReport.SessionTimes sessionTimes(Path dir, int runs) throws Exception {
        double[] hooked = new double[runs + 1];
        double[] plain = new double[runs + 1];
        for (int i = 0; i <= runs; i++) { // run 0 is the warm-up (file cache, class loading)
            long t0 = System.nanoTime();
            try (HookedModel m = HookedModel.open(dir, Device.CPU, null)) {
                long t1 = System.nanoTime();
                m.openPlain();
                long t2 = System.nanoTime();
                hooked[i] = (t1 - t0) / 1e9;
                plain[i] = (t2 - t1) / 1e9;
            }
        }
        return new BenchReport.SessionTimes(Timings.median(Arrays.copyOfRange(hooked, 1, runs + 1)),
                Timings.median(Arrays.copyOfRange(plain, 1, runs + 1)));
    }

    private BenchReport.Result measure(HookedModel model, ModelConfig config, BenchInput.Input input, BenchReport.SessionTimes session,
            LessonTimes lesson) throws Exception {
        Tokens tokens = input.tokens();
        int t = tokens.length();
        int runs = settings.runs();
        int[] ids = tokens.ids();
        boolean withinGuard = withinGuard(config, t);
        PeakMemory.resetSelfPeak();

        progress.accept("bench: T = " + t + ": untouched forward");
        double plain = Timings.median(runs, () -> model.plainForward(ids));
        progress.accept("bench: T = " + t + ": hooked forward");
        double hooked = Timings.median(runs, () -> model.capture(ids));

        progress.accept("bench: T = " + t + ": reference and checks for " + config.layers() + " × " + config.heads() + " heads");
        Tensor plainOutput = model.plainForward(ids);
        boolean rotatesInside = model.sites().stream().anyMatch(s -> s.qNeedsRotary());
        HookedModel.Capture[] capture = {model.capture(ids)};
        InspectionResult[] result = new InspectionResult[1];
        double reference = medianWithSetup(runs,
                () -> {
                    result[0] = null; // the previous run's reference (H·T² per layer) goes before the next is made
                    capture[0] = rotatesInside ? model.capture(ids) : capture[0]; // a fresh capture where Q is rotated in place
                },
                () -> result[0] = Inspector.verify(model, tokens, capture[0], plainOutput));
        boolean passed = result[0].passed();
        if (!passed) {
            progress.accept("bench: WARNING: T = " + t + ": " + result[0].checks().stream().filter(c -> !c.passed()).count()
                    + " checks failed; first: " + result[0].checks().stream().filter(c -> !c.passed()).findFirst().orElseThrow());
        }

        progress.accept("bench: T = " + t + ": every figure of the lesson");
        FigureOptions options = FigureOptions.defaults();
        int[] figureCount = new int[1];
        Path[] figuresDir = new Path[1];
        double figures = medianWithSetup(runs,
                () -> {
                    deleteRecursively(figuresDir[0]);
                    figuresDir[0] = Files.createTempDirectory(settings.scratch(), "figures");
                },
                () -> figureCount[0] = LessonFigures.writeAll(result[0], figuresDir[0], options).size() / options.formats().size());
        deleteRecursively(figuresDir[0]);
        long peak = PeakMemory.selfPeakRssBytes();
        capture[0] = null;
        result[0] = null;

        return new BenchReport.Result(t, new BenchReport.Seconds(session.total(), plain, hooked, reference, figures, lesson.seconds),
                figureCount[0], peak, lesson.peakRss, lesson.note, passed, withinGuard);
    }

    private record LessonTimes(double seconds, long peakRss, Optional<String> note) {
    }

    /**
     * The lesson command as a process, given the same text: median wall time and the largest peak RSS
     * over the runs; n/a with the reason if it fails. Beyond the memory guard's default the lesson is
     * given {@code --max-memory} for what this T needs, so that it is measured and not refused.
     */
    private LessonTimes lesson(BenchInput.Input input, boolean withinGuard) throws IOException {
        Tokens tokens = input.tokens();
        if (settings.jar() == null) {
            return new LessonTimes(-1, -1, Optional.of("not measured (no attnscope.jar given)"));
        }
        if (!Files.isRegularFile(settings.jar())) {
            return new LessonTimes(-1, -1, Optional.of("not measured (" + settings.jar() + " not found: build it with mvn package)"));
        }
        int runs = settings.runs();
        Path textFile = settings.scratch().resolve("passage-" + tokens.length() + ".txt");
        Files.writeString(textFile, input.text());
        List<String> args = new ArrayList<>(List.of("--model", settings.modelDir().toString(), "--text-file", textFile.toString()));
        if (!withinGuard) {
            ModelConfig config = ModelConfig.read(settings.modelDir().resolve("config.json"));
            long need = MemoryGuard.estimateBytes(config, config.layers(), tokens.length());
            args.addAll(List.of("--max-memory", ((need >> 30) + 1) + "G"));
        }
        double[] seconds = new double[runs];
        long peak = -1;
        for (int i = 0; i <= runs; i++) {
            progress.accept("bench: T = " + tokens.length() + ": lesson command, run " + i + " of " + runs + (i == 0 ? " (warm-up)" : ""));
            Path out = settings.scratch().resolve("lesson-out");
            deleteRecursively(out);
            List<String> runArgs = new ArrayList<>(args);
            runArgs.addAll(List.of("--out", out.toString()));
            LessonRun r = LessonRun.run(settings.jar(), runArgs, settings.scratch(), settings.lessonTimeoutSeconds());
            deleteRecursively(out);
            if (!r.succeeded()) {
                String why = r.firstError().orElse("no message");
                return new LessonTimes(-1, -1, Optional.of("n/a (lesson command exited with " + r.exitCode() + ": " + why + ")"));
            }
            peak = Math.max(peak, r.peakRssBytes());
            if (i > 0) {
                seconds[i - 1] = r.seconds();
            }
        }
        return new LessonTimes(Timings.median(seconds), peak,
                withinGuard ? Optional.empty() : Optional.of("run with " + String.join(" ", args.subList(4, args.size()))
                        + " (beyond the memory guard's default)"));
    }

    private static boolean withinGuard(ModelConfig config, int tokens) {
        return MemoryGuard.estimateBytes(config, config.layers(), tokens) <= MemoryGuard.DEFAULT_LIMIT;
    }

    /** The largest T whose captured tensors for all layers the memory guard admits at its default limit. */
    public static int largestAdmittedTokens(ModelConfig config) {
        int lo = 0;
        int hi = 1 << 20;
        while (lo < hi) { // estimateBytes grows with T: find the last T within the limit
            int mid = (lo + hi + 1) >>> 1;
            if (MemoryGuard.estimateBytes(config, config.layers(), mid) <= MemoryGuard.DEFAULT_LIMIT) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Runs {@code setup} (untimed) then {@code step} (timed), once to warm up and {@code runs} times; the median of the timed runs. */
    static double medianWithSetup(int runs, Timings.Step setup, Timings.Step step) throws Exception {
        double[] s = new double[runs];
        for (int i = 0; i <= runs; i++) {
            setup.run();
            double seconds = Timings.seconds(step);
            if (i > 0) {
                s[i - 1] = seconds;
            }
        }
        return Timings.median(s);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
