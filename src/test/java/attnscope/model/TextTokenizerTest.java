package attnscope.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.testing.TestAssets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTokenizerTest {
    @Test
    void qwen2TokenizerSplitsTheHandoutSentence() {
        try (TextTokenizer t = TextTokenizer.open(TestAssets.qwen2Tokenizer())) {
            TextTokenizer.Tokens tokens = t.encode("the cat chases the");
            assertEquals(List.of("the", "Ġcat", "Ġch", "ases", "Ġthe"), tokens.tokens());
            // --ids gets the same labels from the vocabulary.
            assertEquals(tokens.tokens(), t.label(tokens.ids()).tokens());
        }
    }

    @Test
    void longTextsAreNotTruncated() {
        try (TextTokenizer t = TextTokenizer.open(TestAssets.qwen2Tokenizer())) {
            String text = "the cat chases the mouse.".repeat(200); // 200 × 7 tokens, far beyond DJL's default 512
            TextTokenizer.Tokens tokens = t.encode(text);
            assertTrue(tokens.length() > 1000, "DJL's default would stop at 512, found " + tokens.length());
            assertArrayEquals(java.util.Arrays.copyOf(t.encode("the cat chases the").ids(), 5), java.util.Arrays.copyOf(tokens.ids(), 5));
        }
    }
}
