package attnscope.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import attnscope.testing.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void emptyAndWhitespaceOnlyTextsAreRefused() {
        try (TextTokenizer t = TextTokenizer.open(TestAssets.qwen2Tokenizer())) {
            InputException empty = assertThrows(InputException.class, () -> t.encode(""));
            assertEquals("the text is empty: give at least one word", empty.getMessage());
            // The no-break space and the ideographic space are whitespace to a reader, too.
            InputException blank = assertThrows(InputException.class, () -> t.encode(" \t\n\u00A0\u3000"));
            assertTrue(blank.getMessage().startsWith("the text is only whitespace (5 characters)"), blank.getMessage());
            // One visible character is enough, however odd: a control character is text the model can read.
            assertTrue(t.encode(" \u0007").length() >= 1);
        }
    }

    /** A word-level tokenizer whose normalizer drops control characters, as BERT's does, and adds no special tokens. */
    private static final String DROPS_CONTROLS = """
            {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
             "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": false,
                            "strip_accents": false, "lowercase": false},
             "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
             "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "cat": 1}, "unk_token": "[UNK]"}}
            """;

    @Test
    void aTextTheTokenizerTurnsIntoNothingIsRefused(@TempDir Path tmp) throws Exception {
        Path json = Files.writeString(tmp.resolve("tokenizer.json"), DROPS_CONTROLS);
        try (TextTokenizer t = TextTokenizer.open(json)) {
            assertEquals(List.of("cat"), t.encode("cat").tokens());
            InputException e = assertThrows(InputException.class, () -> t.encode("\u0007\u0001"));
            assertTrue(e.getMessage().contains("no tokens at all"), e.getMessage());
        }
    }
}
