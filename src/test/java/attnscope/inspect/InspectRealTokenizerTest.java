package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.HookedModel;
import attnscope.capture.Site;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.synth.SynthSpec;
import attnscope.testing.TestAssets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The handout's sentence through the real Qwen2 tokenizer into a model with Qwen2.5-0.5B's attention
 * geometry and full vocabulary (151 936 rows, so every Qwen2 id is valid): the lesson's tensors, labelled.
 */
class InspectRealTokenizerTest {
    @Test
    void theCatChasesTheThroughQwenGeometry() {
        SynthSpec spec = SynthSpec.qwen25Geometry(2).vocab(151936).seed(5).build();
        Path dir = SynthFixtures.model("qwen-vocab", spec, TestAssets.qwen2Tokenizer());
        try (HookedModel model = HookedModel.open(dir, Device.CPU, null);
                TextTokenizer tok = TextTokenizer.open(dir.resolve("tokenizer.json"))) {
            InspectionResult r = Inspector.inspect(model, tok.encode("the cat chases the"));
            assertEquals(List.of("the", "Ġcat", "Ġch", "ases", "Ġthe"), r.tokens());
            assertTrue(r.passed());
            assertArrayEquals(new int[] {14, 5, 64}, r.model().get(0, Site.Q).shape());
            assertArrayEquals(new int[] {2, 5, 64}, r.model().get(0, Site.K).shape());
            assertArrayEquals(new int[] {14, 5, 5}, r.model().get(1, Site.PATTERN).shape());
            assertEquals(0f, r.model().get(1, Site.PATTERN).get(3, 0, 4), "'the' cannot see 'Ġthe' four tokens later");
        }
    }
}
