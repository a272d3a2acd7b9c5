package attnscope.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import attnscope.testing.TestAssets;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --tokens T with the real Qwen2 tokenizer: exactly T tokens, the lesson's passage is exactly 50. */
class TokenCutTest {
    private static String shippedPassage() throws Exception {
        try (InputStream in = TokenCutTest.class.getResourceAsStream("/examples/lesson/passage.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    @Test
    void theLessonsPassageIsExactlyFiftyQwenTokens() throws Exception {
        try (TextTokenizer t = TextTokenizer.open(TestAssets.qwen2Tokenizer())) {
            TextTokenizer.Tokens tokens = t.encode(shippedPassage());
            assertEquals(50, tokens.length(), tokens.tokens().toString());
            // The row view's query "it" is in it, as in "because it was too tired".
            assertTrue(tokens.tokens().contains("Ġit"));
        }
    }

    @Test
    void cutsToExactlyTheFirstTTokens() {
        try (TextTokenizer t = TextTokenizer.open(TestAssets.qwen2Tokenizer())) {
            TextTokenizer.Tokens all = t.encode("the cat chases the");
            TextTokenizer.Tokens three = TokenCut.first(all, 3, "the text");
            assertEquals(List.of("the", "Ġcat", "Ġch"), three.tokens(), "cut on tokens, so \"chases\" loses \"ases\"");
            assertArrayEquals(Arrays.copyOf(all.ids(), 3), three.ids());
            assertEquals("cut the text from 5 to its first 3 tokens (--tokens 3)", TokenCut.notice(5, 3, "the text"));
            assertNull(TokenCut.notice(5, 5, "the text"), "nothing cut, nothing said");
            assertEquals(5, TokenCut.first(all, 5, "the text").length());
            InputException e = assertThrows(InputException.class, () -> TokenCut.first(all, 6, "the text"));
            assertEquals("--tokens 6: the text has only 5 tokens; give a longer text or a smaller --tokens", e.getMessage());
        }
    }
}
