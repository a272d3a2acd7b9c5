package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.HookedModel;
import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.testing.TestAssets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real trained encoders the project did not build: attnscope finds every layer's attention in
 * graphs exported by torch (and quantized by onnx.quantize), and its reference matches ONNX
 * Runtime's own Softmax and weighted sum, head by head. They are bidirectional and reported so.
 */
class InspectEncoderTest {

    @ParameterizedTest
    @EnumSource(TestAssets.Encoder.class)
    void referenceMatchesOnnxRuntimeAndEncoderIsNotCausal(TestAssets.Encoder encoder) {
        Path dir = encoder.modelDir();
        try (HookedModel model = HookedModel.open(dir, Device.CPU, null);
                TextTokenizer tok = TextTokenizer.open(dir.resolve("tokenizer.json"))) {
            TextTokenizer.Tokens tokens = tok.encode("the cat chases the mouse");
            InspectionResult r = Inspector.inspect(model, tokens);
            assertTrue(r.passed(), () -> "every check passes; " + InspectSyntheticTest.failures(r));
            assertFalse(r.causal(), "an encoder is bidirectional");
            assertEquals(encoder == TestAssets.Encoder.BGE_SMALL_EN_V15_Q ? 12 : 6, r.layers().size());
            int t = tokens.length();
            assertEquals(List.of(12, t, 32), toList(r.model().get(0, Site.Q).shape()));
            assertEquals(List.of(12, t, t), toList(r.model().get(5, Site.PATTERN).shape()));
            // Some weight lies above the diagonal: the encoder really looks ahead.
            double ahead = r.checks().stream().filter(c -> c.check().equals("causal")).mapToDouble(CheckResult::value).max().orElseThrow();
            assertTrue(ahead > 0.01, "largest weight above the diagonal " + ahead);
            long perHead = r.checks().stream().filter(c -> c.check().equals("pattern.ref")).count();
            assertEquals(r.layers().size() * 12L, perHead);
        }
    }

    @org.junit.jupiter.api.Test
    void oneCallInspectionAndItsMemoryGuard() {
        Path dir = TestAssets.Encoder.MINILM_L6_V2_Q.modelDir();
        InspectionResult r = Inspector.inspect(dir, "the cat chases the", Device.CPU, new int[] {2}, MemoryGuard.DEFAULT_LIMIT);
        assertTrue(r.passed());
        assertEquals(List.of(2), r.layers());
        attnscope.InputException e = org.junit.jupiter.api.Assertions.assertThrows(attnscope.InputException.class,
                () -> Inspector.inspect(dir, "the cat chases the", Device.CPU, null, 10_000));
        assertTrue(e.getMessage().contains("--layers"), e.getMessage());
    }

    private static List<Integer> toList(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
