package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.model.ModelConfig;
import attnscope.synth.SynthSpec.Fault;
import attnscope.synth.SynthSpec.Style;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthSpecTest {
    @TempDir
    Path tmp;

    private static String rejection(SynthSpec.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void rejectsInconsistentGeometry() {
        assertTrue(rejection(SynthSpec.tiny().heads(5)).contains("multiple of key/value heads"));
        assertTrue(rejection(SynthSpec.tiny().headDim(15)).contains("even"));
        assertTrue(rejection(SynthSpec.tiny().layers(0)).contains("layers must be positive"));
        assertTrue(rejection(SynthSpec.tiny().style(Style.FUSED_GQA).headDim(24)).contains("multiple of 16"));
        assertTrue(rejection(SynthSpec.tiny().style(Style.FUSED_GQA).fault(Fault.FUTURE_VISIBLE_MASK))
                .contains("decomposed"));
        assertTrue(rejection(SynthSpec.tiny().gqaQkOutput(2)).contains("fused-gqa"));
        assertTrue(rejection(SynthSpec.tiny().packedQkv(true)).contains("fused-gqa"));
    }

    @Test
    void presetsHaveQwenGeometry() {
        SynthSpec full = SynthSpec.fullQwen25().build();
        ModelConfig qwen = ModelConfig.qwen25_05b();
        assertEquals(qwen.hidden(), full.hidden());
        assertEquals(qwen.layers(), full.layers());
        assertEquals(qwen.heads(), full.heads());
        assertEquals(qwen.kvHeads(), full.kvHeads());
        assertEquals(qwen.headDim(), full.headDim());
        assertEquals(qwen.intermediate(), full.intermediate());
        assertEquals(qwen.vocab(), full.vocab());
        assertEquals(qwen.ropeTheta(), full.ropeTheta());
        assertEquals(7, SynthSpec.qwen25Geometry(3).build().groupSize());
    }

    @Test
    void configJsonReadsBackThroughModelConfig() {
        SynthSpec spec = SynthSpec.qwen25Geometry(2).vocab(300).intermediate(64).configRopeTheta(10_000).build();
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, null);
        ModelConfig c = ModelConfig.read(dir);
        assertEquals(new ModelConfig("qwen2", 896, 2, 14, 2, 64, 64, 300, 10_000, 1e-6, 32768, true, true), c,
                "config.json carries the spec, with the overridden (lying) rope_theta");
    }
}
