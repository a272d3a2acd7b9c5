package attnscope.model;

import attnscope.InputException;
import java.util.Arrays;

/**
 * {@code --tokens T}: a text cut to exactly its first T tokens, so that a lesson built around
 * T = 50 really shows 50 × 64 and 50 × 50. The cut is made on the tokens, never on the characters
 * (a word can be several tokens), and a text with fewer than T tokens is refused rather than padded:
 * padding would show attention over tokens the user did not write.
 */
public final class TokenCut {
    private TokenCut() {
    }

    /**
     * The first {@code count} tokens of {@code tokens}.
     *
     * @param what names the text in the refusal ("the text", "the passage")
     * @throws InputException when the text has fewer than {@code count} tokens
     */
    public static TextTokenizer.Tokens first(TextTokenizer.Tokens tokens, int count, String what) {
        if (count < 1) {
            throw new IllegalArgumentException("--tokens must be at least 1 but found " + count);
        }
        if (tokens.length() < count) {
            throw new InputException("--tokens " + count + ": " + what + " has only " + tokens.length()
                    + (tokens.length() == 1 ? " token" : " tokens") + "; give a longer text or a smaller --tokens");
        }
        return new TextTokenizer.Tokens(Arrays.copyOf(tokens.ids(), count), tokens.tokens().subList(0, count));
    }

    /** The line that says a cut was made ("cut the text from 53 to its first 50 tokens"), or null when none was. */
    public static String notice(int before, int after, String what) {
        return before == after ? null : "cut " + what + " from " + before + " to its first " + after + " tokens (--tokens " + after + ")";
    }
}
