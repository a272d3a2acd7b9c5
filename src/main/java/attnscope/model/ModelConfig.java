package attnscope.model;

import attnscope.InputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The facts of a model that attention depends on, read from its Hugging Face config.json.
 *
 * @param modelType          "qwen2", "bert", ... (config "model_type")
 * @param hidden             D, the hidden size
 * @param layers             number of transformer layers
 * @param heads              H, query heads per layer
 * @param kvHeads            Hkv, key/value heads per layer (= H without grouped-query attention)
 * @param headDim            d, the head dimension (config "head_dim", else D/H)
 * @param intermediate       MLP inner size
 * @param vocab              vocabulary size (rows of the embedding)
 * @param ropeTheta          rotary base θ, or 0 for models without rotary embeddings
 * @param normEps            RMSNorm / LayerNorm epsilon
 * @param maxPositions       the longest context the model was built for
 * @param tiedEmbeddings     lm_head shares the embedding matrix
 * @param synthetic          written by {@code attnscope synth} (random weights): never Qwen's own
 */
public record ModelConfig(String modelType, int hidden, int layers, int heads, int kvHeads, int headDim,
        int intermediate, int vocab, double ropeTheta, double normEps, int maxPositions,
        boolean tiedEmbeddings, boolean synthetic) {

    /** The key in config.json that marks a synthetic model. */
    public static final String SYNTHETIC_KEY = "attnscope_synthetic";

    /** Qwen2.5-0.5B's published configuration: the default for the shape exercises. */
    public static ModelConfig qwen25_05b() {
        return new ModelConfig("qwen2", 896, 24, 14, 2, 64, 4864, 151936, 1_000_000.0, 1e-6, 32768, true, false);
    }

    public ModelConfig {
        if (hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0) {
            throw new InputException("config.json: hidden size, layers, heads, key/value heads and head dimension "
                    + "must be positive, found hidden=" + hidden + " layers=" + layers + " heads=" + heads
                    + " kv_heads=" + kvHeads + " head_dim=" + headDim);
        }
        if (heads % kvHeads != 0) {
            throw new InputException("config.json: num_attention_heads (" + heads
                    + ") must be a multiple of num_key_value_heads (" + kvHeads + ")");
        }
    }

    /** Whether attention has the same shape in both: hidden size, layers, query and key/value heads, head dimension. */
    public boolean sameAttentionGeometry(ModelConfig other) {
        return hidden == other.hidden && layers == other.layers && heads == other.heads && kvHeads == other.kvHeads
                && headDim == other.headDim;
    }

    /** "24 layers, 14 query heads, 2 key/value heads, d = 64": the attention geometry in words. */
    public String geometry() {
        return layers + (layers == 1 ? " layer, " : " layers, ") + heads + (heads == 1 ? " query head, " : " query heads, ") + kvHeads
                + (kvHeads == 1 ? " key/value head" : " key/value heads") + ", d = " + headDim;
    }

    /** H/Hkv, query heads sharing one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /**
     * Refuses an input longer than the context the model was built for (max_position_embeddings;
     * nothing is refused when config.json does not say). Beyond it, position embeddings run out or
     * rotary angles leave the trained range: the attention shown would be no attention the model has.
     */
    public void requireContext(int tokens) {
        if (maxPositions > 0 && tokens > maxPositions) {
            throw new InputException("the input is " + tokens + " tokens, longer than the model's context of " + maxPositions
                    + " tokens (max_position_embeddings in config.json): give a shorter text");
        }
    }

    /** Reads {@code dir/config.json}, or a config.json file given directly. */
    public static ModelConfig read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new InputException("no config.json in " + (Files.isDirectory(path) ? path : path.getParent())
                    + ": a model folder needs config.json, tokenizer.json and an ONNX file (try `attnscope fetch`)");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String why = e.getOriginalMessage();
            if (why != null && why.startsWith("Non-standard token")) {
                // Python's json writes NaN and Infinity, which JSON does not have; Jackson's advice is for programmers.
                why = why.replaceFirst(":\\s*enable .*", "") + " (NaN and Infinity are not JSON numbers)";
            }
            String at = e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "";
            throw new InputException(file + " is not valid JSON" + at + ": " + why);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InputException(file + " is not a JSON object");
        }
        return fromJson(root, file.toString());
    }

    /**
     * The config's values, each of the type and range it must have: a wrong one is an input problem
     * naming the field (exit 4), never coerced (Jackson reads "abc" or null as 0, and a rope_theta of 0
     * or a max_position_embeddings of −1 would quietly turn a check into a failure or off).
     */
    static ModelConfig fromJson(JsonNode root, String where) {
        int hidden = requiredInt(root, "hidden_size", where);
        int layers = requiredInt(root, "num_hidden_layers", where);
        int heads = requiredInt(root, "num_attention_heads", where);
        int kvHeads = root.has("num_key_value_heads") ? requiredInt(root, "num_key_value_heads", where) : heads;
        if (!root.hasNonNull("head_dim") && heads > 0 && hidden % heads != 0) {
            // d = D / H is how Hugging Face derives the head dimension; a remainder means the config is not a model's.
            throw new InputException(where + ": \"hidden_size\" (" + hidden + ") is not a multiple of \"num_attention_heads\" ("
                    + heads + ") and there is no \"head_dim\": the head dimension is undefined");
        }
        int headDim = root.hasNonNull("head_dim") ? requiredInt(root, "head_dim", where) : hidden / Math.max(heads, 1);
        int intermediate = root.has("intermediate_size") ? requiredInt(root, "intermediate_size", where) : 0;
        int vocab = requiredInt(root, "vocab_size", where);
        double theta = root.has("rope_theta") ? ropeTheta(root.get("rope_theta"), where)
                : root.path("rope_scaling").isMissingNode() && !isRotary(root) ? 0 : 10000.0;
        double eps = root.has("rms_norm_eps") ? positiveNumber(root, "rms_norm_eps", where)
                : root.has("layer_norm_eps") ? positiveNumber(root, "layer_norm_eps", where) : 1e-12;
        int maxPositions = root.has("max_position_embeddings") ? requiredInt(root, "max_position_embeddings", where) : 0;
        if (root.has("max_position_embeddings") && maxPositions <= 0) {
            throw new InputException(where + ": \"max_position_embeddings\" (the longest context) must be a positive integer, found "
                    + maxPositions);
        }
        if (intermediate < 0) {
            throw new InputException(where + ": \"intermediate_size\" must not be negative, found " + intermediate);
        }
        boolean tied = optionalBoolean(root, "tie_word_embeddings", where);
        boolean synthetic = optionalBoolean(root, SYNTHETIC_KEY, where);
        JsonNode type = root.get("model_type");
        if (type != null && !type.isTextual()) {
            throw new InputException(where + ": \"model_type\" must be a string such as \"qwen2\", found " + type);
        }
        return new ModelConfig(type == null ? "unknown" : type.asText(), hidden, layers, heads, kvHeads, headDim,
                intermediate, vocab, theta, eps, maxPositions, tied, synthetic);
    }

    /**
     * rope_theta, the rotary base θ: a number above 1 (10000 for Llama, 1000000 for Qwen2.5). θ ≤ 1
     * makes no rotary embedding (θ = 1 rotates every pair by the position alone, a negative θ has no
     * real powers), so it is a broken config.json rather than a model to check.
     */
    private static double ropeTheta(JsonNode n, String where) {
        if (!n.isNumber() || !Double.isFinite(n.asDouble()) || !(n.asDouble() > 1)) {
            throw new InputException(where + ": \"rope_theta\" (the rotary base θ) must be a number greater than 1 "
                    + "(10000 or 1000000 as a rule), found " + n);
        }
        return n.asDouble();
    }

    private static double positiveNumber(JsonNode root, String field, String where) {
        JsonNode n = root.get(field);
        if (!n.isNumber() || !Double.isFinite(n.asDouble()) || !(n.asDouble() > 0)) {
            throw new InputException(where + ": \"" + field + "\" must be a positive number, found " + n);
        }
        return n.asDouble();
    }

    private static boolean optionalBoolean(JsonNode root, String field, String where) {
        JsonNode n = root.get(field);
        if (n == null) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new InputException(where + ": \"" + field + "\" must be true or false, found " + n);
        }
        return n.asBoolean();
    }

    /** Decoder families that use rotary embeddings even when config.json omits rope_theta (default 10000). */
    private static boolean isRotary(JsonNode root) {
        String type = root.path("model_type").asText("");
        return type.equals("qwen2") || type.equals("llama") || type.equals("mistral") || type.equals("qwen3");
    }

    private static int requiredInt(JsonNode root, String field, String where) {
        JsonNode n = root.get(field);
        if (n == null) {
            throw new InputException(where + " lacks \"" + field + "\": it does not look like a transformer's config.json");
        }
        if (n.isIntegralNumber() && !n.canConvertToInt()) {
            throw new InputException(where + ": \"" + field + "\" is too large: found " + n + ", at most " + Integer.MAX_VALUE);
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new InputException(where + ": \"" + field + "\" must be an integer, found " + n);
        }
        return n.asInt();
    }
}
