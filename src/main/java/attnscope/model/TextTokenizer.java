package attnscope.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import attnscope.InputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The model's own tokenizer (its tokenizer.json, read by DJL's Hugging Face tokenizers), with
 * nothing cut off: DJL truncates at 512 tokens unless told otherwise, and a silently shortened
 * prompt would show attention over a text the user did not give.
 *
 * <p>Token strings are kept as the tokenizer writes them ("Ġcat" for " cat" in byte-level BPE),
 * because they are the labels of the heatmaps' rows and columns.
 */
public final class TextTokenizer implements AutoCloseable {
    /** The ids of one text and the token string of each, position by position. */
    public record Tokens(int[] ids, List<String> tokens) {
        public int length() {
            return ids.length;
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    /** id → token string, read from the file when first needed (only --ids needs it). */
    private Map<Integer, String> idToToken;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Path file) {
        this.tokenizer = tokenizer;
        this.file = file;
    }

    /** Opens a tokenizer.json; the tokenizer adds its special tokens ([CLS], ...) as the model expects. */
    public static TextTokenizer open(Path tokenizerJson) {
        // Never let DJL reach the network for a native build (see DESIGN.md, pitfalls).
        System.setProperty("ai.djl.offline", "true");
        // DJL brings slf4j-api without a binding; keep its "no providers" notice off the user's terminal.
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        requireTokenizerShape(tokenizerJson);
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            return new TextTokenizer(t, tokenizerJson);
        } catch (IOException | RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            // The Rust parser's words ("data did not match any variant of untagged enum ModelUntagged") name its types, not the file's problem.
            throw new InputException("cannot read the tokenizer " + tokenizerJson + (m.contains("untagged enum") || m.contains("unknown variant")
                    ? ": its \"model\" is not one the Hugging Face tokenizers library knows (BPE, WordPiece, Unigram, WordLevel) or lacks "
                            + "a part that type needs (the parser: " + m + ")" : ": " + m), e);
        }
    }

    /**
     * Refuses, in words, a file that is not a regular file or is not a Hugging Face tokenizer.json
     * (a JSON object with a "model" object holding a "vocab"): the Rust parser behind DJL would
     * report a valid JSON of another shape as "expected `,` or `}`". A streaming pass that skips
     * the values: milliseconds for Qwen2's 11 MB file.
     */
    static void requireTokenizerShape(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            String kind = attnscope.output.IoProblems.kindOf(file);
            throw new InputException(kind.equals("missing") ? "no such tokenizer file: " + file
                    : "the tokenizer " + file + " is " + kind + ", not a regular file: give the model's tokenizer.json");
        }
        String found = null;
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(file.toFile())) {
            com.fasterxml.jackson.core.JsonToken first = p.nextToken();
            if (first != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                found = first == null ? "no JSON value at all (an empty or blank file)" : "a JSON " + jsonKind(first) + " instead of an object";
            } else {
                boolean model = false;
                boolean vocab = false;
                while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                    if (name.equals("model") && value == com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                        model = true;
                        while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                            vocab |= p.currentName().equals("vocab");
                            p.nextToken();
                            p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                if (!model) {
                    found = "a JSON object without a \"model\" object";
                } else if (!vocab) {
                    found = "a \"model\" without a \"vocab\"";
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new InputException("the tokenizer " + file + " is not valid JSON" + where + " (" + e.getOriginalMessage()
                    .replaceAll("\\s+", " ").strip() + "): give the model's tokenizer.json", e);
        } catch (IOException e) {
            throw new InputException("cannot read the tokenizer " + file + " (" + attnscope.output.IoProblems.reason(e) + ")", e);
        }
        if (found != null) {
            throw new InputException("the tokenizer " + file + " is JSON but not a Hugging Face tokenizer.json (an object whose "
                    + "\"model\" holds the vocabulary); found " + found);
        }
    }

    private static String jsonKind(com.fasterxml.jackson.core.JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "list";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> "value";
        };
    }

    /**
     * The tokens of a text. An empty or whitespace-only text is refused: there is nothing in it to
     * look at, and a tokenizer may turn it into no tokens at all. Control characters are kept (the
     * model sees them; figure labels show them as codes such as "\x07").
     */
    public Tokens encode(String text) {
        if (text.isEmpty()) {
            throw new InputException("the text is empty: give at least one word");
        }
        if (isBlank(text)) {
            throw new InputException("the text is only whitespace (" + text.length() + " characters): give at least one word");
        }
        Encoding e = tokenizer.encode(text);
        if (e.exceedMaxLength()) {
            throw new InputException("the tokenizer would truncate this text; attnscope never shortens a prompt silently");
        }
        long[] ids = e.getIds();
        if (ids.length == 0) {
            throw new InputException("the tokenizer turned the text into no tokens at all: give a text with words in it");
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return new Tokens(out, List.of(e.getTokens()));
    }

    /** Whitespace in the wide sense: Java's whitespace and Unicode's space separators (no-break space included). */
    static boolean isBlank(String text) {
        return text.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp));
    }

    /** Labels for ids given directly (--ids): the vocabulary's strings, "<id 123>" for an unknown id. */
    public Tokens label(int[] ids) {
        if (idToToken == null) {
            // A second reading of the whole tokenizer.json (11 MB for Qwen2: about a second and a
            // few hundred MB of JSON tree), so it is done only when ids are given directly.
            try {
                idToToken = readVocabulary(file);
            } catch (IOException | RuntimeException e) {
                throw new InputException("cannot read the tokenizer " + file + ": " + e.getMessage(), e);
            }
        }
        return new Tokens(ids.clone(), labels(ids, idToToken));
    }

    /** Labels for ids when the model folder has no tokenizer: "id1782". */
    public static Tokens unlabelled(int[] ids) {
        return new Tokens(ids.clone(), labels(ids, Map.of()));
    }

    private static List<String> labels(int[] ids, Map<Integer, String> vocabulary) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(vocabulary.getOrDefault(id, "id" + id));
        }
        return tokens;
    }

    /** id → token string from tokenizer.json's model.vocab and added_tokens (BPE and WordPiece alike). */
    private static Map<Integer, String> readVocabulary(Path tokenizerJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
        Map<Integer, String> map = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> entry = it.next();
                map.put(entry.getValue().asInt(), entry.getKey());
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            map.put(added.path("id").asInt(), added.path("content").asText());
        }
        return map;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
