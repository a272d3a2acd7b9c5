package attnscope.cli;

import attnscope.InputException;
import attnscope.inspect.InspectionResult;
import attnscope.output.FileSink;
import attnscope.output.OutputFolder;
import attnscope.progress.ProgressBar;
import attnscope.render.AnatomyFigure;
import attnscope.render.ColorScale;
import attnscope.render.FigureFormat;
import attnscope.render.FigureOptions;
import attnscope.render.LessonFigures;
import attnscope.render.RowView;
import attnscope.render.TokenLabels;
import attnscope.report.ExplorerPage;
import attnscope.report.SummaryText;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code attnscope figures}: draw a model's attention as lecture-ready heatmaps. */
@Command(name = "figures", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Run a model on a text (as inspect does) and draw its attention as heatmaps.",
        description = {
            "Run a model on a text (as `inspect` does, with the same checks) and draw:",
            "  OUT/figures/layer{LL}_head{HH}.png",
            "      one heatmap per head: query position down, key position across,",
            "      token labels on both axes (a space shows as ␣, a newline as ↵),",
            "      viridis colours fixed to [0, 1] with a colour bar; keys the causal",
            "      mask hides are grey and hatched where their weight is exactly 0;",
            "      a weight there (a leaking mask) is drawn and outlined in red",
            "  OUT/figures/layer{LL}_grid.png",
            "      all heads of a layer, a row per shared key/value head",
            "  OUT/figures/overview.png",
            "      every layer × head as a thumbnail: previous-token heads and the",
            "      first-token \"attention sink\" show up at a glance",
            "  OUT/figures/row_layer{LL}_q{QQ}.png   (with --row-query)",
            "      one query's weights over the keys, a bar per key",
            "  OUT/explorer.html   (with --html)",
            "      every layer × head in one self-contained page to explore in a browser",
            "Any T draws: with more tokens than pixels a pixel shows the max of k × k cells.",
            "Projector mode: --aspect 16:9|4:3 (1920×1080 / 1440×1080, text ≥ 24 px) and",
            "--window Q0:Q1[,K0:K1] to show only those queries and keys.",
            "Figures of a synthetic model (random weights) carry a red banner saying so.",
            "The same input gives byte-identical files; figures of the same name are",
            "replaced.",
            "Exit 0 when every check passes, 3 when one fails (the figures are written",
            "either way: they show the model's values as they are), 4 for an input problem.",
            "",
            "Examples:",
            "  attnscope figures --model models/qwen2.5-0.5b-instruct --out reports/animal \\",
            "      --text \"The animal didn't cross the street because it was too tired.\" \\",
            "      --row-query it",
            "  attnscope figures --model models/tiny --ids 1,2,3,4 --out /tmp/tiny \\",
            "      --layers 0,1 --scale log",
            "  attnscope figures --model models/qwen2.5-0.5b-instruct --text-file lesson.txt \\",
            "      --out reports/passage --format png,svg,pdf --row-query 8 --row-heads 0,3",
            ""
        })
public final class FiguresCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelRunOptions run;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for the report; figures go to OUT/figures (created if missing).")
    Path out;

    @Option(names = "--scale", paramLabel = "linear|log|row", defaultValue = "linear",
            description = {"Colour scale: linear (default; weights 0…1, comparable across heads),",
                "log (decades 0.0001…1: small weights become visible), row (each row stretched to its own maximum)."})
    String scale;

    @Option(names = "--format", paramLabel = "png,svg,pdf", defaultValue = "png",
            description = "File formats, comma-separated (default png); svg and pdf are vector forms with the same names.")
    String format;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "1600",
            description = "Side of a head heatmap in pixels (default 1600; grids and the overview scale with it).")
    int size;

    @Mixin
    ProjectorOptions projector;

    @Option(names = "--row-query", paramLabel = "INDEX|TOKEN",
            description = {"Also draw the row view of this query: a position (8) or a token's text (it), first match.",
                "Written for every drawn layer as row_layer{LL}_q{QQ}.png."})
    String rowQuery;

    @Option(names = "--row-heads", paramLabel = "0,3", split = ",",
            description = "Heads shown in the row view (default: all heads of the layer).")
    List<Integer> rowHeads;

    @Option(names = "--anatomy", paramLabel = "L:H", split = ",",
            description = {"Also draw the anatomy of head H of layer L (X → Q, K, V → scores → pattern → z → concat → o_proj,",
                "each block with its real values and shape), landscape 1920 × 1080: anatomy_layer{LL}_head{HH}.png."})
    List<String> anatomy;

    @Option(names = "--threads", paramLabel = "N",
            description = "Figures drawn in parallel (default: one per core).")
    Integer threads;

    @Option(names = "--html",
            description = "Also write OUT/explorer.html: every drawn layer × head to explore in a browser (one self-contained file).")
    boolean html;

    /** Where figure bytes go; tests replace it to simulate a full disk. */
    FileSink sink = FileSink.ATOMIC;

    @Override
    public Integer call() {
        FigureOptions options = options();
        if (java.nio.file.Files.exists(out.resolve(attnscope.lesson.Lesson.MARKER), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // figures replaces OUT/figures whole: the lesson's index.html would lose the figures it shows.
            throw new InputException(out + " holds a lesson written by attnscope lesson: figures would replace the figures"
                    + " its index.html shows; choose another --out (or run attnscope lesson again)");
        }
        // Locked, and OUT/figures checked, before the model runs.
        OutputFolder.claim(out, "--out", line -> spec.commandLine().getErr().println("attnscope: " + line), "figures");
        // --row-query and --row-heads are checked against the tokens and the model before it runs.
        PrintWriter notes = verbose.notes(spec);
        InspectionResult result = run.run(spec, notes, (config, tokens) -> {
            projector.check(options, tokens.tokens().size(), spec);
            rowQueryPosition(tokens.tokens());
            rowHeadsOf(config.heads());
            anatomyHeads(config.layers(), config.heads());
        }).result();
        return drawFigures(result, options, spec.commandLine().getOut(), notes);
    }

    /** Parses the drawing options; a bad value is a usage error (exit 2). */
    FigureOptions options() {
        FigureOptions o = FigureOptions.defaults();
        try {
            o = o.withScale(ColorScale.parse(scale)).withFormats(FigureFormat.parseList(format)).withSize(size);
            if (threads != null) {
                o = o.withThreads(threads);
            }
            o = projector == null ? o : projector.apply(o, spec);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return o;
    }

    /** The query of the row view, or -1 without --row-query; a query the text does not have is a usage error. */
    int rowQueryPosition(List<String> tokens) {
        if (rowQuery == null) {
            return -1;
        }
        if (rowQuery.isBlank()) {
            // An empty text would match the first space or newline token: say so rather than pick one.
            throw new ParameterException(spec.commandLine(), "--row-query needs a position (8) or a token's text (it), not an empty text");
        }
        try {
            return RowView.resolveQuery(tokens, rowQuery);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--row-query: " + e.getMessage());
        }
    }

    /** The heads of the row view (empty: all); a head the model does not have is an input error, as a layer is. */
    List<Integer> rowHeadsOf(int modelHeads) {
        List<Integer> heads = rowHeads == null ? List.of() : rowHeads;
        for (int h : heads) {
            if (h < 0 || h >= modelHeads) {
                throw new InputException("--row-heads: head " + h + " does not exist; the model has " + modelHeads
                        + " heads (0.." + (modelHeads - 1) + ")");
            }
        }
        return heads;
    }

    /** The (layer, head) pairs of --anatomy: "L:H" each; a malformed one is a usage error, a missing layer or head an input error. */
    List<int[]> anatomyHeads(int modelLayers, int modelHeads) {
        List<int[]> out = new ArrayList<>();
        for (String a : anatomy == null ? List.<String>of() : anatomy) {
            String[] parts = a.trim().split(":");
            int layer;
            int head;
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                layer = Integer.parseInt(parts[0].trim());
                head = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--anatomy takes LAYER:HEAD like 3:5, not '" + a + "'");
            }
            if (layer < 0 || layer >= modelLayers) {
                throw new InputException("--anatomy: layer " + layer + " does not exist: the model has " + modelLayers + " layers (0.."
                        + (modelLayers - 1) + ")");
            }
            if (head < 0 || head >= modelHeads) {
                throw new InputException("--anatomy: head " + head + " does not exist; the model has " + modelHeads + " heads (0.."
                        + (modelHeads - 1) + ")");
            }
            out.add(new int[] {layer, head});
        }
        return out;
    }

    /**
     * Draws every figure of an inspection into OUT/figures and lists them; the part after the model
     * run. The figures are written into a staging folder and moved into place together, so a
     * failure (a full disk) leaves OUT/figures as it was.
     */
    int drawFigures(InspectionResult result, FigureOptions options, PrintWriter stdout, PrintWriter err) {
        List<Integer> drawn = chosenLayers(result);
        InspectionResult selected = drawn.equals(result.layers()) ? result
                : new InspectionResult(result.config(), result.attentionStyle(), result.causal(), result.tokens(),
                        result.ids(), drawn, result.model(), result.reference(), result.checks(), result.patternSources());
        int query = rowQueryPosition(result.tokens());
        List<Integer> heads = rowHeadsOf(result.config().heads());
        List<int[]> anatomyHeads = anatomyHeads(result.config().layers(), result.config().heads());
        for (int[] lh : anatomyHeads) {
            if (!result.layers().contains(lh[0])) {
                throw new ParameterException(spec.commandLine(), "--anatomy: layer " + lh[0] + " was not captured (see --layers)");
            }
        }
        Path dir = out.resolve("figures");
        if (result.config().synthetic()) {
            err.println("attnscope: synthetic model (random weights): every figure is labelled "
                    + "\"" + FigureOptions.SYNTHETIC_LABEL + "\"");
        }
        err.printf(Locale.ROOT, "attnscope: drawing %d layers × %d heads on %d threads …%n", drawn.size(),
                result.config().heads(), options.threads());
        err.flush();
        long t0 = System.nanoTime();
        int count;
        // Every head, a grid per layer and the overview, in each format; then a row view per layer.
        long expected = ((long) drawn.size() * (result.config().heads() + 1) + 1 + (query >= 0 ? drawn.size() : 0))
                * options.formats().size();
        try (OutputFolder folder = OutputFolder.open(out, sink);
                ProgressBar bar = ProgressBar.items("drawing", expected, "files", err, verbose.progressMode())) {
            FileSink counted = countingFiles(folder.sink(), bar);
            Path staged = folder.staging().resolve("figures");
            List<Path> files = new ArrayList<>(LessonFigures.writeAll(selected, staged, options, counted));
            if (query >= 0) {
                for (int layer : drawn) {
                    files.addAll(RowView.write(selected, layer, query, heads, staged, options, counted));
                }
            }
            for (int[] lh : anatomyHeads) {
                files.addAll(AnatomyFigure.write(result, lh[0], lh[1], staged, options, counted));
            }
            if (html) {
                folder.write(ExplorerPage.FILE, ExplorerPage.html(selected).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            // Without --html an explorer.html of an earlier run would show another text beside these figures.
            folder.supersedes(ExplorerPage.FILE);
            folder.commit();
            count = files.size();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        stdout.printf(Locale.ROOT, "wrote %d figures to %s in %.2f s%n", count, dir, seconds);
        // Listed in a format that was written (PNG, else SVG, else PDF): with --format svg there is no .png.
        String ext = "." + java.util.EnumSet.copyOf(options.formats()).iterator().next().extension();
        stdout.println("  heads    " + dir.resolve(LessonFigures.headName(drawn.get(0), 0) + ext) + " …");
        stdout.println("  grids    " + dir.resolve(LessonFigures.gridName(drawn.get(0)) + ext) + " …");
        stdout.println("  overview " + dir.resolve(LessonFigures.OVERVIEW + ext));
        for (int[] lh : anatomyHeads) {
            stdout.println("  anatomy  " + dir.resolve(AnatomyFigure.fileName(lh[0], lh[1]) + ext));
        }
        if (html) {
            stdout.println("  explorer " + out.resolve(ExplorerPage.FILE));
        }
        if (query >= 0) {
            stdout.println("  rows     " + dir.resolve(RowView.fileName(drawn.get(0), query) + ext) + " … (query "
                    + query + " \"" + TokenLabels.display(result.tokens().get(query)) + "\")");
        }
        stdout.flush();
        // The figures are written either way (they show the model's values as they are), but a tool
        // that verifies must not report success when a check failed: exit 3, as inspect does.
        if (!result.passed()) {
            long failed = result.checks().stream().filter(c -> !c.passed()).count();
            err.println("attnscope: " + failed + " of " + result.checks().size() + " checks FAILED (the figures show the model's "
                    + "values as they are; `inspect` lists every check in summary.json):");
            for (String line : SummaryText.failures(result, 8)) {
                err.println("  " + line);
            }
            err.flush();
            return ExitCodes.CHECK_FAILED;
        }
        return ExitCodes.OK;
    }

    /** {@code sink}, advancing {@code bar} by one for every file written (from any drawing thread). */
    private static FileSink countingFiles(FileSink sink, ProgressBar bar) {
        return (file, bytes) -> {
            sink.write(file, bytes);
            bar.advance(1);
        };
    }

    /** The layers to draw: those asked for with --layers, among those the inspection captured. */
    private List<Integer> chosenLayers(InspectionResult result) {
        int[] numbers = ModelRunOptions.layerNumbers(spec, run.layers);
        if (numbers == null) {
            return result.layers();
        }
        List<Integer> wanted = Arrays.stream(numbers).boxed().toList();
        for (int l : wanted) {
            if (!result.layers().contains(l)) {
                throw new ParameterException(spec.commandLine(), "--layers: layer " + l + " was not captured (the model has "
                        + result.config().layers() + " layers, 0.." + (result.config().layers() - 1) + ")");
            }
        }
        return wanted;
    }
}
