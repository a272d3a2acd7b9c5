package attnscope.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.InputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** config.json values of the wrong type or range are input problems naming the field, never coerced (issue 17). */
class ModelConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Qwen2.5-0.5B's config.json, the fields attnscope reads. */
    private static ObjectNode qwen() {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", "qwen2").put("hidden_size", 896).put("num_hidden_layers", 24).put("num_attention_heads", 14)
                .put("num_key_value_heads", 2).put("intermediate_size", 4864).put("vocab_size", 151936)
                .put("rope_theta", 1000000.0).put("rms_norm_eps", 1e-6).put("max_position_embeddings", 32768)
                .put("tie_word_embeddings", true);
        return c;
    }

    private static ModelConfig read(ObjectNode c) {
        return ModelConfig.fromJson(c, "config.json");
    }

    @Test
    void qwensOwnConfigReadsAsPublished() {
        assertEquals(ModelConfig.qwen25_05b(), read(qwen()));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "rope_theta | \"abc\"",
        "rope_theta | null",
        "rope_theta | -10000",
        "rope_theta | 0",
        "rope_theta | 1",
        "rope_theta | \"1000000\"",
        "rope_theta | true",
        "max_position_embeddings | \"x\"",
        "max_position_embeddings | -1",
        "max_position_embeddings | 0",
        "max_position_embeddings | null",
        "max_position_embeddings | 1e3",
        "rms_norm_eps | \"tiny\"",
        "rms_norm_eps | -1e-6",
        "intermediate_size | \"big\"",
        "intermediate_size | -5",
        "tie_word_embeddings | \"yes\"",
        "attnscope_synthetic | \"no\"",
        "attnscope_synthetic | 1",
        "model_type | 7",
    })
    void aWrongValueIsAnInputProblemNamingTheField(String field, String json) throws Exception {
        ObjectNode c = qwen();
        c.set(field, JSON.readTree(json));
        InputException e = assertThrows(InputException.class, () -> read(c), field + " = " + json);
        assertTrue(e.getMessage().startsWith("config.json: \"" + field + "\""), e.getMessage());
        assertTrue(e.getMessage().contains("found " + JSON.readTree(json)), e.getMessage());
    }

    @Test
    void absentOptionalFieldsTakeTheirDefaults() {
        ObjectNode c = qwen();
        c.remove(java.util.List.of("rope_theta", "max_position_embeddings", "intermediate_size", "tie_word_embeddings"));
        ModelConfig m = read(c);
        assertEquals(10000.0, m.ropeTheta(), "Qwen2's default base when config.json omits it");
        assertEquals(0, m.maxPositions(), "no context limit known");
        assertEquals(0, m.intermediate());
        ObjectNode bert = qwen();
        bert.put("model_type", "bert").remove(java.util.List.of("rope_theta"));
        assertEquals(0, read(bert).ropeTheta(), "an encoder without rotary");
    }
}
