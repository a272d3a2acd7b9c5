package attnscope.lesson;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KV cache and the attention's parameters, computed from Qwen2.5-0.5B's config.json (its published
 * fields, written out as a file and read back) and checked against the values worked out by hand.
 */
class AttentionBudgetTest {
    /** Qwen2.5-0.5B-Instruct's config.json, the fields attnscope reads. */
    static final String QWEN_CONFIG = """
            {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 896, "num_hidden_layers": 24,
             "num_attention_heads": 14, "num_key_value_heads": 2, "intermediate_size": 4864, "vocab_size": 151936,
             "rope_theta": 1000000.0, "rms_norm_eps": 1e-06, "max_position_embeddings": 32768, "tie_word_embeddings": true}
            """;

    @Test
    void qwenKvCacheIsSevenTimesSmallerThanWithoutGrouping(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), QWEN_CONFIG);
        AttentionBudget b = new AttentionBudget(ModelConfig.read(dir), 50);
        assertArrayEquals(new int[] {1, 2, 50, 64}, b.cacheShape(), "present.N.key");
        assertArrayEquals(new int[] {1, 14, 50, 64}, b.batchedQueryShape());
        assertEquals(2L * 2 * 50 * 64 * 4, b.cacheBytesPerLayer(2));
        assertEquals(1_228_800L, b.cacheBytes());
        assertEquals("1.17 MiB", AttentionBudget.mebibytes(b.cacheBytes()));
        assertEquals(8_601_600L, b.cacheBytesWithoutGrouping());
        assertEquals("8.20 MiB", AttentionBudget.mebibytes(b.cacheBytesWithoutGrouping()));
        assertEquals(7.0, (double) b.cacheBytesWithoutGrouping() / b.cacheBytes());
    }

    @Test
    void qwenAttentionParametersAreNinePercentOfTheModel(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), QWEN_CONFIG);
        AttentionBudget b = new AttentionBudget(ModelConfig.read(dir), 50);
        assertTrue(b.qkvBias());
        assertEquals(896L * 896 + 896, b.queryParameters());
        assertEquals(896L * 128 + 128, b.keyParameters());
        assertEquals(896L * 896, b.outputParameters());
        assertEquals(1_836_160L, b.attentionParametersPerLayer());
        assertEquals(44_067_840L, b.attentionParameters());
        assertEquals("44.07 M", AttentionBudget.millions(b.attentionParameters()));
        // Qwen2.5-0.5B is published as 494 M parameters (0.49 B).
        long total = b.totalParameters().orElseThrow();
        assertEquals(494_032_768L, total);
        assertEquals(8.9, 100.0 * b.attentionParameters() / total, 0.05);
    }

    @Test
    void anUntiedHeadCountsTwiceAndAnEncoderIsNotCounted(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), QWEN_CONFIG.replace("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false"));
        assertEquals(494_032_768L + 151936L * 896, new AttentionBudget(ModelConfig.read(dir), 50).totalParameters().orElseThrow());
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "bert", "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
                 "intermediate_size": 1536, "vocab_size": 30522}
                """);
        AttentionBudget bert = new AttentionBudget(ModelConfig.read(dir), 10);
        assertFalse(bert.totalParameters().isPresent(), "BERT's layout (biases, LayerNorm, positions) is not the formula's");
        assertEquals(2L * 12 * 10 * 32 * 4 * 6, bert.cacheBytes(), "no grouping: Hkv = H");
    }
}
