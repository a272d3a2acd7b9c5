package attnscope.cli;

import attnscope.InputException;
import attnscope.capture.HookedModel;
import attnscope.inspect.InspectionResult;
import attnscope.inspect.Inspector;
import attnscope.inspect.MemoryGuard;
import attnscope.model.ModelConfig;
import attnscope.model.ModelFolder;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.report.SummaryJson;
import attnscope.report.SummaryText;
import attnscope.report.TensorFiles;
import attnscope.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code attnscope inspect}: capture a real model's attention and check it against the formula. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a model on a text, capture every layer's attention (Q, K, V, the pattern,",
            "the per-head output z) and check it against softmax(Q·Kᵀ/√d + mask)·V",
            "recomputed in plain Java. Checks, per layer and head:",
            "  shape.*        against config.json: Q (H, T, d), K and V (Hkv, T, d),",
            "                 pattern (H, T, T), z (H, T, d)",
            "  causal         every weight above the diagonal exactly 0 (an encoder is",
            "                 reported NOT causal, which is not a failure)",
            "  rowsum         each row of the pattern sums to 1",
            "  pattern.ref    reference against model, |a − b| ≤ atol + rtol·|b|",
            "  z.ref          the same for the per-head output, as o_proj reads it",
            "  negative-control  recomputing WITHOUT the mask must disagree (if causal)",
            "  rotary.q/k     rotary with config.json's rope_theta against the graph's",
            "  scale          the graph's score scale against 1/√d",
            "  logits         the hooked graph's output equals the untouched graph's",
            "",
            "Writes OUT/summary.json (and OUT/tensors/*.npy with --save-tensors).",
            "Exit 0 when every check passes, 3 when one fails, 4 for an input problem.",
            "",
            "Examples:",
            "  attnscope inspect --model models/qwen2.5-0.5b --text \"the cat chases the\" \\",
            "      --out reports/cat",
            "  attnscope inspect --model models/tiny --ids 1,2,3,4 --out /tmp/tiny \\",
            "      --layers 0 --save-tensors",
            ""
        })
public final class InspectCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Model folder (Hugging Face layout): config.json, tokenizer.json, model.onnx (or onnx/model.onnx).")
    Path model;

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

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for summary.json and tensors/ (created if missing).")
    Path out;

    @Option(names = "--layers", paramLabel = "all|0,5,23", defaultValue = "all",
            description = "Layers to capture: all (default) or a comma-separated list.")
    String layers;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
            description = "Where ONNX Runtime runs: auto (CUDA if it can be set up, else CPU with a notice), cpu, cuda.")
    String device;

    @Option(names = "--save-tensors", description = "Also write OUT/tensors/layer{L}.{q,k,v,pattern,z}.npy and layer{L}.pattern.ref.npy.")
    boolean saveTensors;

    @Option(names = "--max-memory", paramLabel = "SIZE", defaultValue = "2G",
            description = "Refuse when the captured and recomputed tensors would exceed this (e.g. 512M, 2G; default 2G).")
    String maxMemory;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        Device dev = parseDevice(device);
        long limit = parseSize(maxMemory);

        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InputException("--out " + out + " is a file; give a folder (it is created if missing)");
        }
        ModelFolder folder = ModelFolder.locate(model);
        ModelConfig config = folder.readConfig();
        int[] chosen = parseLayers(layers, config.layers());
        TextTokenizer.Tokens tokens = tokens(folder, config);
        MemoryGuard.require(config, chosen == null ? config.layers() : chosen.length, tokens.length(), limit);

        long t0 = System.nanoTime();
        progress(err, "opening " + folder.onnx() + " …");
        try (HookedModel hooked = HookedModel.open(model, dev, chosen, line -> progress(err, line))) {
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

            Files.createDirectories(out);
            SummaryJson.write(out.resolve("summary.json"), result);
            if (saveTensors) {
                TensorFiles.write(out, result);
            }
            stdout.print(SummaryText.of(folder.dir().getFileName().toString(), result));
            stdout.println("wrote      " + out.resolve("summary.json") + (saveTensors ? " and " + out.resolve("tensors") : ""));
            stdout.flush();
            return result.passed() ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        }
    }

    private TextTokenizer.Tokens tokens(ModelFolder folder, ModelConfig config) throws IOException {
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
            if (!Files.isRegularFile(input.textFile)) {
                throw new InputException("no such text file: " + input.textFile);
            }
            text = Files.readString(input.textFile, StandardCharsets.UTF_8).replaceFirst("\\R\\z", "");
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

    private Device parseDevice(String value) {
        try {
            return Device.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--device must be auto, cpu or cuda, not '" + value + "'");
        }
    }

    /** null for all layers. */
    private int[] parseLayers(String value, int count) {
        if (value.equalsIgnoreCase("all")) {
            return null;
        }
        int[] list;
        try {
            list = Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).distinct().sorted().toArray();
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--layers takes 'all' or layer numbers like 0,5,23, not '" + value + "'");
        }
        for (int l : list) {
            if (l < 0 || l >= count) {
                throw new InputException("layer " + l + " does not exist: the model has " + count + " layers (0.." + (count - 1) + ")");
            }
        }
        return list;
    }

    long parseSize(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long unit = 1;
        if (v.endsWith("K")) {
            unit = 1L << 10;
        } else if (v.endsWith("M")) {
            unit = 1L << 20;
        } else if (v.endsWith("G")) {
            unit = 1L << 30;
        }
        try {
            double n = Double.parseDouble(unit == 1 ? v : v.substring(0, v.length() - 1));
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return (long) (n * unit);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--max-memory takes a size like 512M or 2G, not '" + value + "'");
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
