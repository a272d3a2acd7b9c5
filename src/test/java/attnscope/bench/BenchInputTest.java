package attnscope.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.model.TextTokenizer;
import attnscope.synth.ByteLevelTokenizer;
import attnscope.testing.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark text has exactly T tokens with the tokenizer that will read it, and is the same every time. */
class BenchInputTest {
    @TempDir
    Path tmp;

    @Test
    void exactlyTTokensWithTheRealQwen2Tokenizer() {
        try (TextTokenizer tokenizer = TextTokenizer.open(TestAssets.qwen2Tokenizer())) {
            for (int t : new int[] {2, 50, 137, 200, 1000}) {
                BenchInput.Input input = BenchInput.of(tokenizer, t);
                assertEquals(t, input.tokens().length());
                assertEquals(input.text().strip(), input.text(), "no edge whitespace for the lesson to strip");
                // What the lesson command will read from the text file: the same ids.
                assertArrayEquals(input.tokens().ids(), tokenizer.encode(input.text()).ids());
                assertTrue(BenchInput.PASSAGE.startsWith(input.text().lines().findFirst().orElseThrow()));
            }
            assertEquals(BenchInput.of(tokenizer, 200).text(), BenchInput.of(tokenizer, 200).text());
        }
    }

    @Test
    void exactlyTTokensWithTheByteLevelTokenizer() throws Exception {
        Path json = tmp.resolve("tokenizer.json");
        Files.writeString(json, ByteLevelTokenizer.json());
        try (TextTokenizer tokenizer = TextTokenizer.open(json)) {
            for (int t : new int[] {2, 50, 1000}) {
                assertEquals(t, BenchInput.of(tokenizer, t).tokens().length());
            }
        }
    }
}
