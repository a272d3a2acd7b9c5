package attnscope.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.synth.SynthSpec.Style;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ONNX Runtime loads and runs every style at both test geometries; outputs have the documented names and shapes. */
class SyntheticModelRunsTest {
    @TempDir
    Path tmp;

    /** "he cat chases" as bytes: ids of the byte-level tokenizer. */
    static final long[] IDS = {104, 101, 32, 99, 97, 116, 32, 99, 104, 97, 115, 101, 115};

    static Stream<Arguments> models() {
        List<Arguments> all = new ArrayList<>();
        for (Style style : Style.values()) {
            all.add(Arguments.of("tiny", SynthSpec.tiny().style(style).build()));
            all.add(Arguments.of("qwen2.5 geometry", SynthSpec.qwen25Geometry(2).vocab(512).intermediate(256)
                    .style(style).build()));
        }
        all.add(Arguments.of("split sqrt scale", SynthSpec.tiny().scale(SynthSpec.ScalePlacement.SPLIT_SQRT).build()));
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void runsWithDocumentedOutputs(String label, SynthSpec spec) throws Exception {
        Path dir = SyntheticModelWriter.write(spec, tmp.resolve("m"), null, null);
        Map<String, OrtRunner.Output> out = OrtRunner.run(dir, "model.onnx", IDS);
        List<String> names = new ArrayList<>(List.of("logits"));
        for (int i = 0; i < spec.layers(); i++) {
            names.add("present." + i + ".key");
            names.add("present." + i + ".value");
        }
        assertEquals(names, new ArrayList<>(out.keySet()), "graph outputs in order");
        int t = IDS.length;
        assertArrayEquals(new long[] {1, t, spec.vocab()}, out.get("logits").shape());
        for (int i = 0; i < spec.layers(); i++) {
            long[] kv = {1, spec.kvHeads(), t, spec.headDim()}; // (B, Hkv, T, d)
            assertArrayEquals(kv, out.get("present." + i + ".key").shape());
            assertArrayEquals(kv, out.get("present." + i + ".value").shape());
        }
        float max = 0;
        for (float v : out.get("logits").values()) {
            assertTrue(Float.isFinite(v), "finite logits");
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 1e-3, "logits are not all zero");
    }
}
