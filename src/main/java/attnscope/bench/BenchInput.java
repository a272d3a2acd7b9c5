package attnscope.bench;

import attnscope.model.TextTokenizer;
import attnscope.model.TextTokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's input: a fixed English passage, tokenized once by the model's own tokenizer,
 * then its ids repeated from the start and cut so that there are exactly T of them. Tokenizing a
 * repeated text instead would not give an exact count (byte-level BPE merges across the seams).
 * Same tokenizer and T → same ids, every run.
 */
public final class BenchInput {
    /** The passage: the lesson's own subject, 150-odd tokens with the Qwen2 tokenizer. */
    public static final String PASSAGE = "The cat chases the mouse across the kitchen floor, and every word of this "
            + "sentence looks back at the words before it. In a transformer, each token asks a question (its query), "
            + "every earlier token offers an answer (its key) and a message (its value); the attention weights are "
            + "softmax(QK^T / sqrt(d) + mask), and the mask hides the future so that no token can read a word that "
            + "has not been written yet. Qwen2.5-0.5B has 24 layers, 14 query heads and only 2 key/value heads, "
            + "each head 64 numbers wide.";

    private BenchInput() {
    }

    /** Exactly {@code t} tokens: the passage's ids cycled and cut, with their token strings. */
    public static Tokens tokens(TextTokenizer tokenizer, int t) {
        return cycle(tokenizer.encode(PASSAGE), t);
    }

    /** The first {@code t} tokens of {@code passage} repeated end to end. */
    static Tokens cycle(Tokens passage, int t) {
        if (t < 1) {
            throw new IllegalArgumentException("Expected at least 1 token but found " + t);
        }
        int n = passage.length();
        int[] ids = new int[t];
        List<String> strings = new ArrayList<>(t);
        for (int i = 0; i < t; i++) {
            ids[i] = passage.ids()[i % n];
            strings.add(passage.tokens().get(i % n));
        }
        return new Tokens(ids, List.copyOf(strings));
    }
}
