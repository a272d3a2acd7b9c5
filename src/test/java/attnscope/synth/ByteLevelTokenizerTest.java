package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import attnscope.InputException;
import attnscope.testing.TestAssets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The written tokenizer.json is a real one: DJL's Hugging Face tokenizer loads and runs it. */
class ByteLevelTokenizerTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void djlEncodesEveryByteAndDecodesBack() throws Exception {
        Path dir = SyntheticModelWriter.write(SynthSpec.tiny().build(), tmp.resolve("m"), null, null);
        String text = "the cat chases the mouse — naïve 猫";
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "false"))) {
            Encoding e = tok.encode(text);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            long[] want = new long[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                want[i] = utf8[i] & 0xff;
            }
            assertArrayEquals(want, e.getIds(), "one token per UTF-8 byte, id = byte value");
            assertEquals("Ġ", e.getTokens()[3], "space shows as GPT-2's Ġ");
            assertEquals(text, tok.decode(e.getIds()));
        }
    }

    @Test
    void realQwenTokenizerIsCopiedWhenTheVocabularyFits() throws Exception {
        Path qwen = TestAssets.qwen2Tokenizer();
        assertEquals(151668, ByteLevelTokenizer.maxTokenId(qwen));
        SynthSpec small = SynthSpec.tiny().vocab(1024).build();
        InputException e = assertThrows(InputException.class,
                () -> SyntheticModelWriter.write(small, tmp.resolve("small"), qwen, null));
        assertEquals(true, e.getMessage().contains("at least 151669"), e.getMessage());
        assertEquals(false, Files.exists(tmp.resolve("small")), "nothing written when the tokenizer does not fit");

        SynthSpec fits = SynthSpec.tiny().hidden(16).heads(2).kvHeads(1).headDim(8).layers(1).vocab(151669).build();
        Path dir = SyntheticModelWriter.write(fits, tmp.resolve("fits"), qwen, null);
        assertArrayEquals(Files.readAllBytes(qwen), Files.readAllBytes(dir.resolve("tokenizer.json")));
    }
}
