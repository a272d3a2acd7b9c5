package attnscope.cli;

import attnscope.InputException;
import attnscope.check.CheckResult;
import attnscope.inspect.MemoryGuard;
import attnscope.lesson.Lesson;
import attnscope.lesson.SyntheticStandIn;
import attnscope.model.DefaultModel;
import attnscope.model.TextFile;
import attnscope.onnx.Device;
import attnscope.output.FileSink;
import attnscope.output.OutputFolder;
import attnscope.render.ColorScale;
import attnscope.render.FigureFormat;
import attnscope.render.FigureOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code attnscope lesson}: the toy and the real model side by side, as one HTML page and its Markdown twin. */
@Command(name = "lesson", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Write the lesson: reports/lesson/index.html and lesson.md, with figures.",
            "",
            "  1. the toy handout (\"the cat chases the\") with its table and figures;",
            "  2. the real model's dimensions (from its config.json) beside the toy's;",
            "  2b. the key/value cache and the attention's parameters, from config.json;",
            "  3. the toy sentence through the real tokenizer, and the real attention",
            "     of the last \"the\";",
            "  4. the checked shape table for a 50-token passage, with inspect's checks",
            "     and their numbers, and the anatomy of one head (every tensor, its shape);",
            "  5. heads worth discussing, chosen by measured entropy, previous-token and",
            "     first-token weight (a role only at >= 0.5 of the weight, none on random weights);",
            "  6. the complexity question: score memory against T.",
            "A table of contents heads the page; gallery.html links every figure.",
            "",
            "The model is models/qwen2.5-0.5b-instruct (get it with `attnscope fetch`)",
            "unless --model says otherwise. Without it, the report says so at the top in",
            "large type and runs the real-model sections on a synthetic model with",
            "Qwen2.5-0.5B's attention geometry; every figure of it is labelled synthetic.",
            "",
            "Examples:",
            "  attnscope lesson",
            "  attnscope lesson --model models/qwen2.5-0.5b-instruct \\",
            "      --text-file my-passage.txt --tokens 50 --format png,svg",
            ""},
        footer = {"", "Exit codes: 0 written and every check passed · 3 written, but a check",
            "failed · 4 input problem."})
public final class LessonCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model folder (Hugging Face layout). Default: " + DefaultModel.DEFAULT_DIR + ", or a synthetic stand-in when it is missing.")
    Path model;

    @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "models",
            description = "Where fetched models live (default: ${DEFAULT-VALUE}): the default model is DIR/qwen2.5-0.5b-instruct, "
                    + "a synthetic stand-in is kept in DIR too.")
    Path modelsDir;

    @Option(names = "--no-stand-in", description = "Fail (exit 4) instead of using a synthetic stand-in when the default model is missing.")
    boolean noStandIn;

    @Option(names = "--text-file", paramLabel = "FILE", description = "The passage of section 4 (UTF-8). Default: a shipped passage of 50 tokens (Qwen2's tokenizer).")
    Path textFile;

    @Option(names = "--text", paramLabel = "TEXT", description = "The passage of section 4, given directly (instead of --text-file).")
    String text;

    @Option(names = "--tokens", paramLabel = "T",
            description = "Cut the passage to exactly its first T tokens (the report says so); a passage with fewer is refused (exit 4).")
    Integer tokens;

    @Option(names = "--layers", paramLabel = "all|0,5,23", defaultValue = "all",
            description = "Layers to capture and draw: all (default) or a comma-separated list.")
    String layers;

    @Option(names = "--heads", paramLabel = "all|0,3",
            description = {"Heads that get a heatmap of their own in every drawn layer, besides those the lesson discusses",
                "(default: only those; every head is in its layer's grid and the gallery)."})
    String heads;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "reports/lesson",
            description = "Report folder (default: ${DEFAULT-VALUE}). A folder holding files attnscope did not write is refused.")
    Path out;

    @Option(names = "--row-query", paramLabel = "INDEX|TOKEN", defaultValue = "it",
            description = "The query token of the row view in section 5 (default: \"${DEFAULT-VALUE}\", as in \"because it was too tired\").")
    String rowQuery;

    @Option(names = "--format", paramLabel = "png,svg,pdf", defaultValue = "png", description = "Figure formats (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--scale", paramLabel = "linear|log|row", defaultValue = "linear", description = "Colour scale of the heatmaps (default: ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda",
            description = "Where ONNX Runtime runs (default: auto, CUDA when its libraries load, else the CPU; written out, auto says when it falls back).")
    String device;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "For the synthetic stand-in only: the real Qwen2 tokenizer.json to use. Default: MODELS-DIR/qwen2-tokenizer/tokenizer.json when present (scripts/lesson.sh puts it there).")
    Path tokenizer;

    @Option(names = "--max-memory", paramLabel = "SIZE", defaultValue = "2G",
            description = "Refuse passages whose captured patterns would need more than this (default: ${DEFAULT-VALUE}).")
    String maxMemory;

    /** Where the report's bytes go; tests replace it to simulate a full disk. */
    FileSink sink = FileSink.ATOMIC;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter notes = verbose.notes(spec);
        PrintWriter stdout = spec.commandLine().getOut();
        FigureOptions figures;
        try {
            figures = FigureOptions.defaults().withFormats(FigureFormat.parseList(format)).withScale(ColorScale.parse(scale));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (text != null && textFile != null) {
            throw new ParameterException(spec.commandLine(), "give the passage once: --text or --text-file, not both");
        }
        if (tokens != null && tokens < 1) {
            throw new ParameterException(spec.commandLine(), "--tokens takes a count of at least 1, not " + tokens);
        }
        ModelRunOptions.layerNumbers(spec, layers); // a malformed list is a usage error before anything runs
        headNumbers();
        Device dev = Options.device(spec, device, verbose.verbose);
        long limit = Options.size(spec, "--max-memory", maxMemory);
        if (rowQuery.isBlank()) {
            // An empty text would match the first space or newline token: say so rather than pick one.
            throw new ParameterException(spec.commandLine(), "--row-query needs a position (8) or a token's text (it), not an empty text");
        }
        String passage = passage();
        // Locked, and OUT/figures checked, before the model runs.
        OutputFolder.claim(out, "--out", line -> err.println("attnscope: " + line), "figures");

        Path modelDir = model;
        String notice = null;
        if (modelDir == null) {
            Path def = modelsDir.resolve(DefaultModel.defaultDir().getFileName());
            if (Files.isDirectory(def)) {
                modelDir = def;
            } else if (noStandIn) {
                modelDir = DefaultModel.require(def);
            } else {
                Path tok = standInTokenizer();
                notice = "No real model here: " + def + " is missing (run `attnscope fetch`, which needs internet once). "
                        + "Sections 2–6 below run on a SYNTHETIC model with Qwen2.5-0.5B's attention geometry and random weights: "
                        + "its shapes are Qwen's, its patterns are not."
                        + (tok == null ? " The real Qwen2 tokenizer was not found either, so tokens are single bytes." : "");
                notes.println("attnscope: " + def + " is missing; using a synthetic stand-in (labelled as such everywhere)");
                try (SynthCommand.WeightsProgress weights = new SynthCommand.WeightsProgress(notes, verbose.progressMode())) {
                    modelDir = SyntheticStandIn.ensure(modelsDir, tok, line -> progress(notes, line), weights);
                }
            }
        }
        long t0 = System.nanoTime();
        Lesson.Outcome o = Lesson.write(new Lesson.Request(modelDir, passage, out, dev, figures, rowQuery, notice, limit, tokens,
                        ModelRunOptions.layerNumbers(spec, layers), headNumbers()),
                line -> progress(notes, line), sink);
        stdout.println("wrote " + o.html() + " and " + o.markdown() + " with " + o.figureCount() + " figures"
                + String.format(Locale.ROOT, " in %.1f s", (System.nanoTime() - t0) / 1e9)
                // The stand-in is the one chosen for a missing default model; a synthetic --model is the user's choice.
                + (!o.synthetic() ? "" : notice != null ? " (SYNTHETIC stand-in model)" : " (SYNTHETIC model: random weights)"));
        if (!o.passed()) {
            for (CheckResult c : o.failed().subList(0, Math.min(5, o.failed().size()))) {
                err.println("FAILED " + c.check() + (c.layer() >= 0 ? " layer " + c.layer() : "") + (c.head() >= 0 ? " head " + c.head() : "")
                        + ": " + c.detail());
            }
            stdout.println("some checks FAILED: the report shows which (exit 3)");
        }
        stdout.flush();
        return o.passed() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
    }

    /** --heads as written: null when not given, empty for all (the model's head count is not known yet), else the numbers. */
    private java.util.List<Integer> headNumbers() {
        if (heads == null) {
            return null;
        }
        if (heads.equalsIgnoreCase("all")) {
            return java.util.List.of();
        }
        try {
            return java.util.Arrays.stream(heads.split(",")).map(String::trim).map(Integer::parseInt).distinct().sorted().toList();
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--heads takes 'all' or head numbers like 0,3, not '" + heads + "'");
        }
    }

    private String passage() throws IOException {
        if (text != null) {
            return text.strip();
        }
        if (textFile != null) {
            return TextFile.read(textFile).strip();
        }
        try (InputStream in = LessonCommand.class.getResourceAsStream("/examples/lesson/passage.txt")) {
            if (in == null) {
                throw new IllegalStateException("the shipped passage is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    private Path standInTokenizer() {
        if (tokenizer != null) {
            if (!Files.isRegularFile(tokenizer)) {
                throw new InputException("no such tokenizer file: " + tokenizer);
            }
            return tokenizer;
        }
        Path def = modelsDir.resolve("qwen2-tokenizer").resolve("tokenizer.json");
        return Files.isRegularFile(def) ? def : null;
    }

    private static void progress(PrintWriter err, String line) {
        err.println("  " + line);
        err.flush();
    }
}
