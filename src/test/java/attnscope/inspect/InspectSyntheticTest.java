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
            InspectionResult r = Inspector.inspect(model, TextTokenizer.unlabelled(IDS));
            r.checks().stream().filter(c -> !c.passed()).limit(5).forEach(c -> System.err.println("FAILED " + c));
            return r;
        }
    }

    @Test
    void decomposedTinyPasses() {
        InspectionResult r = inspect(SynthFixtures.model("tiny-dec", SynthFixtures.tiny(SynthSpec.Style.DECOMPOSED)));
        assertTrue(r.passed());
        assertTrue(r.causal());
        assertEquals("decomposed", r.attentionStyle());
        assertEquals(2, r.model().get(1, Site.K).dim(0), "K keeps its 2 key/value heads");
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("negative-control") && c.passed()));
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("rotary.q") && c.passed()),
                "rotary written out in ordinary ops is found and checked");
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("rotary.k") && c.passed()));
        print(r);
    }

    @Test
    void fusedTinyPasses() {
        InspectionResult r = inspect(SynthFixtures.model("tiny-gqa", SynthFixtures.tiny(SynthSpec.Style.FUSED_GQA)));
        assertTrue(r.passed());
        assertTrue(r.causal());
        assertEquals("fused-gqa", r.attentionStyle());
        print(r);
    }

    @Test
    void fusedWithPackedQkvPasses() {
        SynthSpec spec = SynthSpec.tiny().style(SynthSpec.Style.FUSED_GQA).packedQkv(true).seed(7).build();
        InspectionResult r = inspect(SynthFixtures.model("tiny-gqa-packed", spec));
        assertTrue(r.passed());
        assertEquals(2, r.model().get(0, Site.K).dim(0));
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("rotary.k")), "keys before rotary read from the packed input");
    }

    @Test
    void fusedPatternIsTheModelsOwnEvenWhenTheGraphAskedForScores() {
        // The graph exposes GroupQueryAttention's scores before softmax (qk_output=1); the hooked copy
        // asks for the weights after softmax instead, so the pattern checks run on the model's own pattern.
        SynthSpec spec = SynthSpec.tiny().style(SynthSpec.Style.FUSED_GQA).gqaQkOutput(1).seed(7).build();
        InspectionResult r = inspect(SynthFixtures.model("tiny-gqa-qk1", spec));
        assertTrue(r.passed());
        assertTrue(r.model().has(0, Site.PATTERN));
        assertTrue(r.checks().stream().anyMatch(c -> c.check().equals("causal") && c.passed()));
    }

    static void print(InspectionResult r) {
        java.util.Map<String, Double> worst = new java.util.TreeMap<>();
        for (CheckResult c : r.checks()) {
            worst.merge(c.check(), c.value(), Math::max);
        }
        System.err.println(r.attentionStyle() + " " + worst);
    }
}
