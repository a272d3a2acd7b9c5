package attnscope.model;

import attnscope.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A model folder in Hugging Face layout: {@code config.json}, {@code tokenizer.json} and an ONNX
 * graph {@code model.onnx}, its weights inside or beside it as {@code model.onnx.data} /
 * {@code model.onnx_data}; the ONNX files may also sit under {@code onnx/}.
 *
 * @param dir          the folder the user named
 * @param config       config.json
 * @param tokenizer    tokenizer.json, or empty (token ids can still be given directly)
 * @param onnx         the ONNX graph
 * @param externalData the external weights file beside the graph, or empty when the weights are inside
 */
public record ModelFolder(Path dir, Path config, Optional<Path> tokenizer, Path onnx, Optional<Path> externalData) {

    private static final List<String> EXTERNAL_DATA_NAMES = List.of(".data", "_data");

    /** Locates the files of a model folder, or says clearly which one is missing. */
    public static ModelFolder locate(Path dir) {
        if (!Files.exists(dir)) {
            throw new InputException("model folder " + dir + " does not exist (try `attnscope fetch`, or `attnscope synth` for a test model)");
        }
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir + " is not a folder: --model takes a folder with config.json, tokenizer.json and model.onnx");
        }
        if (isEmpty(dir)) {
            throw new InputException("model folder " + dir + " is empty: it needs config.json, tokenizer.json and model.onnx "
                    + "(try `attnscope fetch`, or `attnscope synth` for a test model)");
        }
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            requireNotOther(config, "config.json");
            throw new InputException("no config.json in " + dir + ": a model folder needs config.json, tokenizer.json and model.onnx");
        }
        Path onnx = dir.resolve("model.onnx");
        if (!Files.isRegularFile(onnx)) {
            requireNotOther(onnx, "model.onnx");
            onnx = dir.resolve("onnx").resolve("model.onnx");
        }
        if (!Files.isRegularFile(onnx)) {
            requireNotOther(onnx, "model.onnx");
            throw new InputException("no model.onnx in " + dir + " or " + dir.resolve("onnx")
                    + ": a model folder needs config.json, tokenizer.json and model.onnx");
        }
        Optional<Path> data = Optional.empty();
        for (String suffix : EXTERNAL_DATA_NAMES) {
            Path candidate = onnx.resolveSibling(onnx.getFileName() + suffix);
            if (Files.isRegularFile(candidate)) {
                data = Optional.of(candidate);
                break;
            }
        }
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            requireNotOther(tokenizer, "tokenizer.json");
        }
        return new ModelFolder(dir, config, Files.isRegularFile(tokenizer) ? Optional.of(tokenizer) : Optional.empty(),
                onnx, data);
    }

    /**
     * Refuses a name that exists as something other than a regular file (a FIFO, a device such as
     * /dev/zero, a folder, a broken link): "no such file" would be untrue, and reading it could block
     * forever or never end. Only its attributes are read.
     */
    private static void requireNotOther(Path file, String name) {
        String kind = attnscope.output.IoProblems.kindOf(file);
        if (!kind.equals("missing")) {
            throw new InputException(file + " is " + kind + ", not a regular file: " + name + " must be the file itself");
        }
    }

    private static boolean isEmpty(Path dir) {
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (java.io.IOException e) {
            throw new InputException("cannot read the model folder " + dir + " (" + attnscope.output.IoProblems.reason(e) + ")");
        }
    }

    /** The folder ONNX Runtime resolves external weights against: the one holding the graph. */
    public Path onnxFolder() {
        return onnx.toAbsolutePath().getParent();
    }

    public ModelConfig readConfig() {
        return ModelConfig.read(config);
    }

    /** Decoder families whose attention is causal; encoders (bert, roberta, ...) are bidirectional. */
    private static final List<String> DECODERS = List.of("qwen2", "qwen3", "llama", "mistral", "gpt2", "gpt_neox", "phi",
            "phi3", "gemma", "gemma2", "falcon", "opt", "smollm");
    private static final List<String> ENCODERS = List.of("bert", "roberta", "xlm-roberta", "distilbert", "electra", "mpnet",
            "deberta", "deberta-v2", "albert", "camembert");

    /**
     * Whether config.json says the model is causal (a decoder): "is_decoder", an architecture
     * ending in ForCausalLM, or a known model_type; empty when it says nothing either way.
     */
    public Optional<Boolean> declaresCausal() {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile());
        } catch (java.io.IOException e) {
            throw new InputException("cannot read " + config + ": " + e.getMessage());
        }
        if (root.has("is_decoder") && root.get("is_decoder").asBoolean()) {
            return Optional.of(true);
        }
        for (com.fasterxml.jackson.databind.JsonNode a : root.path("architectures")) {
            if (a.asText().endsWith("ForCausalLM")) {
                return Optional.of(true);
            }
        }
        String type = root.path("model_type").asText("");
        if (DECODERS.contains(type)) {
            return Optional.of(true);
        }
        if (ENCODERS.contains(type)) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    /** tokenizer.json, or an input error that says what to do instead. */
    public Path requireTokenizer() {
        return tokenizer.orElseThrow(() -> new InputException("no tokenizer.json in " + dir
                + ": give token ids with --ids, or add the model's tokenizer.json"));
    }
}
