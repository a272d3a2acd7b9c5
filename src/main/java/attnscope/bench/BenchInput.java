package attnscope.bench;

import attnscope.model.TextTokenizer;
import attnscope.model.TextTokenizer.Tokens;

/**
 * The benchmark's input: a fixed English passage, repeated (one copy per line) and cut at the
 * character where the model's own tokenizer has counted exactly T tokens. The same text goes to the
 * in-process steps and, as a file, to the lesson command, so both see the same T tokens. Same
 * tokenizer and T → same text, every run.
 */
public final class BenchInput {
    /** The passage: the lesson's own subject, plain ASCII (no character is ever cut in half). */
    public static final String PASSAGE = "The cat chases the mouse across the kitchen floor, and every word of this "
            + "sentence looks back at the words before it. In a transformer, each token asks a question (its query), "
            + "every earlier token offers an answer (its key) and a message (its value); the attention weights are "
            + "softmax(QK^T / sqrt(d) + mask), and the mask hides the future so that no token can read a word that "
            + "has not been written yet. Qwen2.5-0.5B has 24 layers, 14 query heads and only 2 key/value heads, "
            + "each head 64 numbers wide.";

    /** A text and its tokens; {@code tokens.length()} is the T asked for. */
    public record Input(String text, Tokens tokens) {
    }

    private BenchInput() {
    }

    /**
     * The shortest prefix of the repeated passage that the tokenizer reads as exactly {@code t}
     * tokens. Token counts grow with the prefix, so a binary search finds the first prefix with at
     * least t tokens; where a character completes two tokens at once, the neighbouring prefixes are
     * tried.
     */
    public static Input of(TextTokenizer tokenizer, int t) {
        if (t < 1) {
            throw new IllegalArgumentException("Expected at least 1 token but found " + t);
        }
        StringBuilder repeated = new StringBuilder(PASSAGE);
        while (tokenizer.encode(repeated.toString()).length() < t) {
            repeated.append('\n').append(PASSAGE);
        }
        // The lesson strips its text, so the text must neither start nor end with whitespace. Where
        // the t-th token is a space (byte-level tokenizers), start one character later.
        String all = repeated.append('\n').append(PASSAGE).toString();
        for (int start = 0; start < 64; start++) {
            if (Character.isWhitespace(all.charAt(start))) {
                continue;
            }
            Input input = exactPrefix(tokenizer, all.substring(start), t);
            if (input != null) {
                return input;
            }
        }
        throw new IllegalStateException("No prefix of the benchmark passage has exactly " + t + " tokens with this tokenizer");
    }

    /** The shortest prefix of {@code all} with exactly t tokens and no whitespace at its end, or null. */
    private static Input exactPrefix(TextTokenizer tokenizer, String all, int t) {
        int lo = 1;
        int hi = all.length();
        while (lo < hi) { // first prefix length with ≥ t tokens
            int mid = (lo + hi) >>> 1;
            if (count(tokenizer, all.substring(0, mid)) >= t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        for (int len = lo; len <= Math.min(all.length(), lo + 8); len++) {
            String text = all.substring(0, len);
            if (Character.isWhitespace(text.charAt(len - 1))) {
                continue;
            }
            Tokens tokens = tokenizer.encode(text);
            if (tokens.length() == t) {
                return new Input(text, tokens);
            }
        }
        return null;
    }

    private static int count(TextTokenizer tokenizer, String text) {
        return text.isBlank() ? 0 : tokenizer.encode(text).length();
    }
}
