package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.capture.HookedModel;
import attnscope.capture.Site;
import attnscope.check.CheckResult;
import attnscope.model.TextTokenizer;
import attnscope.onnx.Device;
import attnscope.synth.SynthSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Correct synthetic Qwen2 models of each graph style pass every check and are reported causal. */
class InspectSyntheticTest {
    static final int[] IDS = {101, 7, 300, 42, 9, 250, 77, 3};

    static InspectionResult inspect(Path dir) {
        try (HookedModel model = HookedModel.open(dir, Device.CPU, null)) {
            // Nothing printed here: the fault tests expect failures, and a green log must read green.
            return Inspector.inspect(model, TextTokenizer.unlabelled(IDS));
        }
    }

    @Test
    void decomposedTinyPasses() {
        InspectionResult r = inspect(SynthFixtures.model("tiny-dec", SynthFixtures.tiny(SynthSpec.Style.DECOMPOSED)));
        assertTrue(r.passed(), () -> failures(r));
        assertTrue(r.causal());
        assertEquals("decomposed", r.attentionStyle());
        assertEquals(2, r.model().get(1, Site.K).dim(0), "K keeps its 2 key/value heads");
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("negative-control") && c.passed()));
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("rotary.q") && c.passed()),
                "rotary written out in ordinary ops is found and checked");
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("rotary.k") && c.passed()));
    }

    @Test
    void fusedTinyPasses() {
        InspectionResult r = inspect(SynthFixtures.model("tiny-gqa", SynthFixtures.tiny(SynthSpec.Style.FUSED_GQA)));
        assertTrue(r.passed(), () -> failures(r));
        assertTrue(r.causal());
        assertEquals("fused-gqa", r.attentionStyle());
    }

    @Test
    void fusedWithPackedQkvPasses() {
        SynthSpec spec = SynthSpec.tiny().style(SynthSpec.Style.FUSED_GQA).packedQkv(true).seed(7).build();
        InspectionResult r = inspect(SynthFixtures.model("tiny-gqa-packed", spec));
        assertTrue(r.passed(), () -> failures(r));
        assertEquals(2, r.model().get(0, Site.K).dim(0));
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("rotary.k")), "keys before rotary read from the packed input");
    }

    @Test
    void fusedPatternIsTheModelsOwnEvenWhenTheGraphAskedForScores() {
        // The graph exposes GroupQueryAttention's scores before softmax (qk_output=1); the hooked copy
        // asks for the weights after softmax instead, so the pattern checks run on the model's own pattern.
        SynthSpec spec = SynthSpec.tiny().style(SynthSpec.Style.FUSED_GQA).gqaQkOutput(1).seed(7).build();
        InspectionResult r = inspect(SynthFixtures.model("tiny-gqa-qk1", spec));
        assertTrue(r.passed(), () -> failures(r));
        assertTrue(r.model().has(0, Site.PATTERN));
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("causal") && c.passed()));
    }

    /** The first failed checks, for an assertion's message (printed only when it fails). */
    static String failures(InspectionResult r) {
        return "failed: " + r.checks().stream().filter(c -> !c.passed()).limit(5).map(CheckResult::toString).toList();
    }
}
