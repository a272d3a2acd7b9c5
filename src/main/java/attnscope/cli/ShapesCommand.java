package attnscope.cli;

import attnscope.InputException;
import attnscope.model.ModelConfig;
import attnscope.render.MemoryPlot;
import attnscope.toy.AttentionShapes;
import attnscope.toy.InvalidToyInputException;
import attnscope.toy.ShapesText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attnscope shapes}: the shape exercises for a real model's attention. */
@Command(name = "shapes",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The shapes of a real model's attention, and how the scores' memory grows with T.",
            "",
            "For T tokens: the shapes of Q, K, V, the scores, the pattern and the output, per head and for all heads of a layer; how many score numbers that is and their memory in fp32, per layer and for the whole model; and how it grows with T (a table and a PNG plot). The scores are T × T per head, so doubling T quadruples them.",
            "",
            "Defaults: Qwen2.5-0.5B (24 layers, 14 query heads, 2 key/value heads, d = 64), T = 50.",
            "",
            "  attnscope shapes",
            "  attnscope shapes --tokens 1000",
            "  attnscope shapes --model models/Qwen2.5-0.5B      (reads config.json)",
            "  attnscope shapes --num-heads 32 --kv-heads 8 --head-dim 128 --num-layers 32",
            ""
        })
public final class ShapesCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Option(names = "--tokens", paramLabel = "T", defaultValue = "50", description = "Tokens T (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--config", paramLabel = "FILE", description = "Read H, Hkv, d and layers from a config.json.")
    Path config;

    @Option(names = "--model", paramLabel = "DIR", description = "Read them from DIR/config.json.")
    Path model;

    @Option(names = "--num-heads", paramLabel = "H", description = "Query heads (overrides the config).")
    Integer heads;

    @Option(names = "--heads", paramLabel = "H", hidden = true, description = "Deprecated spelling of --num-heads.")
    Integer headsDeprecated;

    @Option(names = "--kv-heads", paramLabel = "Hkv", description = "Key/value heads (overrides the config).")
    Integer kvHeads;

    @Option(names = "--head-dim", paramLabel = "d", description = "Head dimension d_k (overrides the config).")
    Integer headDim;

    @Option(names = "--num-layers", paramLabel = "L", description = "Number of layers (overrides the config).")
    Integer layers;

    @Option(names = "--layers", paramLabel = "L", hidden = true, description = "Deprecated spelling of --num-layers.")
    Integer layersDeprecated;

    @Option(names = "--up-to", paramLabel = "T", description = "Last T of the growth table (default: the model's max_position_embeddings, else 32768).")
    Integer upTo;

    @Option(names = "--json", description = "Print the numbers as JSON.")
    boolean json;

    /** The plot's file name inside --out. */
    static final String PLOT_FILE = "memory_vs_tokens.png";

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "reports/shapes",
            description = "Folder for the plot of memory against T, " + PLOT_FILE + " (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--plot", paramLabel = "FILE", hidden = true, description = "Deprecated: the plot's file; use --out DIR.")
    Path plotDeprecated;

    @Option(names = "--no-figures", description = "Do not draw the plot.")
    boolean noFigures;

    @Option(names = "--no-plot", hidden = true, description = "Deprecated spelling of --no-figures.")
    boolean noPlotDeprecated;

    @picocli.CommandLine.Mixin
    FormatOption formats;

    /** Where the plot goes: OUT/memory_vs_tokens.png, or the file an old --plot named. */
    Path plot() {
        if (plotDeprecated != null) {
            Deprecations.notice(spec, "--plot FILE", "--out DIR", "the plot is DIR/" + PLOT_FILE + "; every command writes into --out");
            return plotDeprecated;
        }
        return out.resolve(PLOT_FILE);
    }

    @Spec
    CommandSpec spec;

    /**
     * Reads the config.json that {@code --model DIR} or {@code --config FILE} points at. shapes reads
     * nothing else, so a problem names that file (or the first part of the path that is missing), never
     * a tokenizer or an ONNX file it does not need.
     */
    static ModelConfig configFile(String option, Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (!Files.exists(path)) {
            throw new InputException(option + " " + path + ": no such " + (option.equals("--model") ? "folder" : "file")
                    + missingPart(path) + " (shapes reads only the model's config.json)");
        }
        if (option.equals("--model") && !Files.isDirectory(path)) {
            throw new InputException("--model " + path + " is a file, not a folder (for a config.json file itself use --config)");
        }
        if (!Files.isRegularFile(file)) {
            throw new InputException("no config.json in " + path + " (shapes reads only the model's config.json)");
        }
        return ModelConfig.read(file);
    }

    /** ": /a does not exist" for /a/b/c when /a is the first part missing; empty when only the last part is. */
    private static String missingPart(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path first = abs;
        for (Path p = abs.getParent(); p != null && !Files.exists(p); p = p.getParent()) {
            first = p;
        }
        return first.equals(abs) ? "" : " (" + first + " does not exist)";
    }

    @Override
    public Integer call() {
        if (config != null && model != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --config or --model, not both");
        }
        ModelConfig base = config != null ? configFile("--config", config) : model != null ? configFile("--model", model)
                : ModelConfig.qwen25_05b();
        String name = config != null ? config.toString() : model != null ? model.toString()
                : "Qwen2.5-0.5B (built-in defaults)";
        heads = Deprecations.pick(spec, heads, "--num-heads", headsDeprecated, "--heads",
                "--heads selects heads in lesson");
        int h = positive("--num-heads", heads, base.heads());
        int hkv = positive("--kv-heads", kvHeads, base.kvHeads());
        int d = positive("--head-dim", headDim, base.headDim());
        formats.formats(spec); // a bad --format is a usage error even when nothing is drawn
        layers = Deprecations.pick(spec, layers, "--num-layers", layersDeprecated, "--layers",
                "--layers selects layers in inspect and figures");
        int l = positive("--num-layers", layers, base.layers());
        positive("--tokens", tokens, tokens);
        if (h % hkv != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the query heads (" + h
                    + ") must be a multiple of the key/value heads (" + hkv + ")");
        }
        if (heads != null || kvHeads != null || headDim != null || layers != null) {
            name += ", with options";
        }
        if ((long) h * d > Integer.MAX_VALUE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "H × d = " + h + " × " + d
                    + " is more than a model's hidden size can be (" + Integer.MAX_VALUE + ")");
        }
        ModelConfig cfg = new ModelConfig(base.modelType(), h * d, l, h, hkv, d, base.intermediate(), base.vocab(),
                base.ropeTheta(), base.normEps(), base.maxPositions(), base.tiedEmbeddings(), base.synthetic());
        int last = upTo != null ? positive("--up-to", upTo, upTo) : base.maxPositions() > 0 ? base.maxPositions() : 32768;
        AttentionShapes shapes;
        List<Integer> lengths;
        try {
            shapes = new AttentionShapes(cfg, tokens);
            try {
                shapes.withTokens(last); // the growth table's longest row must be countable too
            } catch (InvalidToyInputException e) {
                throw new InvalidToyInputException("the growth table runs to " + e.getMessage()
                        + (upTo == null ? " (choose a smaller --up-to)" : ""));
            }
            lengths = AttentionShapes.doublings(Math.min(50, last), last);
        } catch (InvalidToyInputException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (json) {
            spec.commandLine().getOut().println(ToyOptions.toJson(toJson(shapes, name, lengths)));
        } else {
            spec.commandLine().getOut().print(ShapesText.render(shapes, name, lengths));
        }
        spec.commandLine().getOut().flush();
        if (noPlotDeprecated) {
            Deprecations.notice(spec, "--no-plot", "--no-figures", "the same name as in toy");
        }
        if (!noFigures && !noPlotDeprecated) {
            long[] perLayer = new long[lengths.size()];
            long[] whole = new long[lengths.size()];
            for (int i = 0; i < lengths.size(); i++) {
                perLayer[i] = shapes.withTokens(lengths.get(i)).scoreBytesPerLayer();
                whole[i] = shapes.withTokens(lengths.get(i)).scoreBytesModel();
            }
            String title = "Attention scores: memory against T (H = " + h + ", " + l + " layers)";
            for (Path p : formats.write(spec, MemoryPlot.chart(title, lengths, perLayer, whole, l), 900, 600, plot())) {
                spec.commandLine().getErr().println("wrote " + p);
            }
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.OK;
    }

    private int positive(String option, Integer given, int fallback) {
        int v = given != null ? given : fallback;
        if (v <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be a positive whole number but found " + v);
        }
        return v;
    }

    private static Map<String, Object> toJson(AttentionShapes s, String name, List<Integer> lengths) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", name);
        m.put("layers", s.layers());
        m.put("heads", s.heads());
        m.put("kvHeads", s.kvHeads());
        m.put("headDim", s.headDim());
        m.put("tokens", s.tokens());
        Map<String, Object> perHead = new LinkedHashMap<>();
        perHead.put("q", s.perHeadVectors());
        perHead.put("k", s.perHeadVectors());
        perHead.put("v", s.perHeadVectors());
        perHead.put("scores", s.perHeadScores());
        perHead.put("pattern", s.perHeadScores());
        perHead.put("z", s.perHeadVectors());
        m.put("perHead", perHead);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("q", s.q());
        all.put("k", s.kv());
        all.put("v", s.kv());
        all.put("scores", s.scores());
        all.put("pattern", s.scores());
        all.put("z", s.z());
        all.put("concat", s.concat());
        m.put("shapes", all);
        m.put("queryHeadsPerKvHead", s.heads() / s.kvHeads());
        m.put("scoreEntriesPerLayer", s.scoreEntriesPerLayer());
        m.put("scoreBytesPerLayer", s.scoreBytesPerLayer());
        m.put("scoreEntriesModel", s.scoreEntriesModel());
        m.put("scoreBytesModel", s.scoreBytesModel());
        java.util.List<Object> growth = new java.util.ArrayList<>();
        for (int t : lengths) {
            AttentionShapes a = s.withTokens(t);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tokens", t);
            row.put("scoreEntriesPerLayer", a.scoreEntriesPerLayer());
            row.put("scoreBytesPerLayer", a.scoreBytesPerLayer());
            row.put("scoreBytesModel", a.scoreBytesModel());
            growth.add(row);
        }
        m.put("growth", growth);
        return m;
    }
}
