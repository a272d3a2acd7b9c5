package attnscope.synth;

import attnscope.InputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Tokenizers for synthetic models: a minimal byte-level BPE (token id = byte value), and the
 * check that a borrowed tokenizer's ids fit the model's vocabulary.
 */
public final class ByteLevelTokenizer {
    /** Ids 0..255 are the bytes, so a model needs at least this many embedding rows. */
    public static final int BYTE_TOKENS = 256;

    private ByteLevelTokenizer() {
    }

    /**
     * A Hugging Face tokenizer.json of a BPE model with the 256 byte symbols of GPT-2's byte-level
     * alphabet and no merges: any text encodes, one token per UTF-8 byte, and decodes back exactly.
     */
    public static String json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens");
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(mapper, false, true));
        root.set("post_processor", byteLevel(mapper, false, false));
        root.set("decoder", byteLevel(mapper, true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        String[] symbols = byteSymbols();
        for (int b = 0; b < BYTE_TOKENS; b++) {
            vocab.put(symbols[b], b);
        }
        model.putArray("merges");
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the byte-level tokenizer", e);
        }
    }

    private static ObjectNode byteLevel(ObjectMapper mapper, boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = mapper.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }

    /**
     * GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the other bytes are
     * shifted to code points 256.. so that every byte is a visible character (space → "Ġ").
     */
    static String[] byteSymbols() {
        String[] symbols = new String[BYTE_TOKENS];
        int shifted = 0;
        for (int b = 0; b < BYTE_TOKENS; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = new String(Character.toChars(printable ? b : 256 + shifted++));
        }
        return symbols;
    }

    /**
     * The largest token id in a tokenizer.json (its model vocabulary and added tokens).
     *
     * @throws InputException if the file cannot be read or holds no vocabulary
     */
    public static int maxTokenId(Path tokenizerJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException(tokenizerJson + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InputException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage());
        }
        int max = -1;
        JsonNode vocab = root == null ? null : root.path("model").path("vocab");
        if (vocab != null && vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                max = Math.max(max, it.next().getValue().asInt(-1));
            }
        } else if (vocab != null && vocab.isArray()) { // Unigram: [[piece, score], ...], id = index
            max = vocab.size() - 1;
        }
        if (max < 0) {
            throw new InputException(tokenizerJson + " has no model.vocab: it is not a Hugging Face tokenizer.json");
        }
        JsonNode added = root.path("added_tokens");
        if (added instanceof ArrayNode list) {
            for (JsonNode t : list) {
                max = Math.max(max, t.path("id").asInt(-1));
            }
        }
        return max;
    }
}
