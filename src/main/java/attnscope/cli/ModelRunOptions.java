package attnscope.cli;

import attnscope.InputException;
import attnscope.capture.HookedModel;
import attnscope.inspect.InspectionResult;
import attnscope.inspect.Inspector;
import attnscope.model.DefaultModel;
import attnscope.model.ModelConfig;
import attnscope.model.ModelFolder;
import attnscope.model.TextFile;
import attnscope.model.TextTokenizer;
import attnscope.model.TokenCut;
import attnscope.onnx.Device;
import attnscope.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that choose a model, an input and the layers to capture, shared by {@code inspect}
 * and {@code figures}, and the run they share: tokenize, guard memory, capture, recompute, check.
 */
public final class ModelRunOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = {"Model folder (Hugging Face layout): config.json, tokenizer.json, model.onnx",
                "(or onnx/model.onnx). Default: " + DefaultModel.DEFAULT_DIR + " (get it with `attnscope fetch`)."})
    Path model;

    /** Exactly one source of tokens. */
    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "The text to run, tokenized by the model's own tokenizer.")
        String text;

        @Option(names = "--text-file", paramLabel = "FILE", description = "Read the text from a UTF-8 file.")
        Path textFile;

        @Option(names = "--ids", paramLabel = "1,2,3", split = ",", hideParamSyntax = true,
                description = "Token ids directly, comma-separated.")
        int[] ids;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--layers", paramLabel = "all|0,5,23", defaultValue = "all",
            description = "Layers to capture: all (default) or a comma-separated list.")
    String layers;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda",
            description = {"Where ONNX Runtime runs: auto (default: CUDA if it can be set up, else the CPU), cpu, cuda.",
                "Written out, auto says when it falls back to the CPU, and why."})
    String device;

    @Option(names = "--max-memory", paramLabel = "SIZE", defaultValue = "2G",
            description = "Refuse when the captured and recomputed tensors would exceed this (e.g. 512M, 2G; default 2G).")
    String maxMemory;

    @Option(names = "--tokens", paramLabel = "T",
            description = "Cut the text to exactly its first T tokens (says so on stderr); a text with fewer is refused (exit 4).")
    Integer tokenCount;

    /** What one run found, with the folder it came from. */
    public record Outcome(ModelFolder folder, InspectionResult result) {
    }

    /** A command's own checks of its options against the model and the tokens, made before the model runs. */
    @FunctionalInterface
    interface BeforeRunning {
        void check(ModelConfig config, TextTokenizer.Tokens tokens);

        BeforeRunning NOTHING = (config, tokens) -> { };
    }

    /** As {@link #run(CommandSpec, PrintWriter, BeforeRunning)} with no checks of the command's own. */
    Outcome run(CommandSpec spec, PrintWriter err) {
        return run(spec, err, BeforeRunning.NOTHING);
    }

    /**
     * Everything an inspection does: checks the input before opening the model (so bad input costs
     * nothing and writes nothing), then capture, the untouched forward, reference and checks.
     * Nothing is printed before every check of the input has passed, so a refused input is one line.
     */
    Outcome run(CommandSpec spec, PrintWriter err, BeforeRunning beforeRunning) {
        Device dev = Options.device(spec, device, spec.commandLine().getParseResult().hasMatchedOption("--verbose"));
        long limit = Options.size(spec, "--max-memory", maxMemory);
        // The default folder is never downloaded here: when it is missing the error says to run fetch.
        Path modelDir = model != null ? model : DefaultModel.require();
        ModelFolder folder = ModelFolder.locate(modelDir);
        ModelConfig config = folder.readConfig();
        int[] chosen = parseLayers(spec, layers, config.layers());
        TextTokenizer.Tokens tokens = cut(spec, err, tokens(spec, folder, config));
        HookedModel.Prepared prepared = Inspector.prepare(modelDir, config, chosen, limit, dev, line -> progress(err, line),
                List.of(tokens));
        beforeRunning.check(config, tokens);

        long t0 = System.nanoTime();
        progress(err, "opening " + folder.onnx() + " …");
        try (HookedModel hooked = prepared.open(dev)) {
            hooked.deviceNotice().ifPresent(err::println);
            progress(err, String.format(Locale.ROOT, "opened on %s in %.1f s; running the hooked graph on %d tokens …",
                    hooked.provider(), seconds(t0), tokens.length()));
            long t1 = System.nanoTime();
            HookedModel.Capture capture = hooked.capture(tokens.ids());
            progress(err, String.format(Locale.ROOT, "captured in %.2f s; opening and running the untouched graph …", seconds(t1)));
            long tp = System.nanoTime();
            Tensor plain = hooked.plainForward(tokens.ids());
            progress(err, String.format(Locale.ROOT, "untouched graph done in %.2f s", seconds(tp)));
            progress(err, "recomputing every head and checking …");
            long t2 = System.nanoTime();
            InspectionResult result = Inspector.verify(hooked, tokens, capture, plain);
            progress(err, String.format(Locale.ROOT, "checked in %.2f s", seconds(t2)));
            return new Outcome(folder, result);
        }
    }

    /** The tokens cut to --tokens T when it is given, with a line on stderr when the cut removed any. */
    private TextTokenizer.Tokens cut(CommandSpec spec, PrintWriter err, TextTokenizer.Tokens tokens) {
        if (tokenCount == null) {
            return tokens;
        }
        if (tokenCount < 1) {
            throw new ParameterException(spec.commandLine(), "--tokens takes a count of at least 1, not " + tokenCount);
        }
        TextTokenizer.Tokens cut = TokenCut.first(tokens, tokenCount, "the text");
        String notice = TokenCut.notice(tokens.length(), cut.length(), "the text");
        if (notice != null) {
            progress(err, notice);
        }
        return cut;
    }

    private TextTokenizer.Tokens tokens(CommandSpec spec, ModelFolder folder, ModelConfig config) {
        if (input.ids != null) {
            if (input.ids.length == 0) {
                throw new ParameterException(spec.commandLine(), "--ids needs at least one token id");
            }
            for (int id : input.ids) {
                if (id < 0 || id >= config.vocab()) {
                    throw new InputException("token id " + id + " is outside the vocabulary (0.." + (config.vocab() - 1) + ")");
                }
            }
            if (folder.tokenizer().isEmpty()) {
                return TextTokenizer.unlabelled(input.ids);
            }
            try (TextTokenizer t = TextTokenizer.open(folder.tokenizer().get())) {
                return t.label(input.ids);
            }
        }
        String text = input.text;
        if (input.textFile != null) {
            // One final newline is how editors end a file, not part of the text.
            text = TextFile.read(input.textFile).replaceFirst("\\R\\z", "");
        }
        try (TextTokenizer t = TextTokenizer.open(folder.requireTokenizer())) {
            TextTokenizer.Tokens tokens = t.encode(text);
            for (int id : tokens.ids()) {
                if (id >= config.vocab()) {
                    throw new InputException("the tokenizer produced id " + id + ", outside the model's vocabulary (0.."
                            + (config.vocab() - 1) + "): tokenizer.json does not belong to this model");
                }
            }
            return tokens;
        }
    }

    /** null for all layers. */
    static int[] parseLayers(CommandSpec spec, String value, int count) {
        int[] list = layerNumbers(spec, value);
        for (int l : list == null ? new int[0] : list) {
            if (l < 0 || l >= count) {
                throw new InputException("layer " + l + " does not exist: the model has " + count + " layers (0.." + (count - 1) + ")");
            }
        }
        return list;
    }

    /** --layers as written: null for all, else the numbers sorted without repeats (not yet checked against a model). */
    static int[] layerNumbers(CommandSpec spec, String value) {
        if (value.equalsIgnoreCase("all")) {
            return null;
        }
        try {
            return Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).distinct().sorted().toArray();
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--layers takes 'all' or layer numbers like 0,5,23, not '" + value + "'");
        }
    }

    private static void progress(PrintWriter err, String line) {
        err.println("attnscope: " + line);
        err.flush();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
