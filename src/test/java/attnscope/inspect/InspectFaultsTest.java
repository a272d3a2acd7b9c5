package attnscope.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.check.CheckResult;
import attnscope.synth.SynthSpec;
import attnscope.synth.SynthSpec.Fault;
import attnscope.synth.SynthSpec.Style;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Broken models must be caught, each by the check meant for it, naming the layer (and head).
 * The models are synthetic Qwen2 graphs with deliberate faults, or honest graphs with a config.json
 * that lies about them.
 */
class InspectFaultsTest {

    private static List<CheckResult> failed(InspectionResult r) {
        return r.checks().stream().filter(c -> !c.passed()).toList();
    }

    private static Set<String> failedNames(InspectionResult r) {
        return failed(r).stream().map(CheckResult::check).collect(Collectors.toSet());
    }

    @Test
    void maskThatShowsTheFutureFailsCausalAndReference() {
        SynthSpec spec = SynthSpec.tiny().seed(7).fault(Fault.FUTURE_VISIBLE_MASK).build();
        InspectionResult r = InspectSyntheticTest.inspect(SynthFixtures.model("future-mask", spec));
        assertFalse(r.passed());
        assertTrue(failedNames(r).containsAll(Set.of("causal", "pattern.ref")), failedNames(r).toString());
        CheckResult causal = failed(r).stream().filter(c -> c.check().equals("causal")).findFirst().orElseThrow();
        assertEquals(0, causal.layer());
        assertTrue(causal.value() > 0, "a weight above the diagonal");
        assertTrue(causal.detail().contains("see the future"), causal.detail());
        // Every layer and head sees the future: no head escapes the check.
        assertEquals(2 * 4, failed(r).stream().filter(c -> c.check().equals("causal")).count());
    }

    @Test
    void swappedHeadsBeforeOutputProjectionFailZForExactlyThoseHeads() {
        for (Style style : Style.values()) {
            SynthSpec spec = SynthSpec.tiny().style(style).seed(7).fault(Fault.SWAPPED_HEADS).build();
            InspectionResult r = InspectSyntheticTest.inspect(SynthFixtures.model("swapped-" + style.cliName(), spec));
            assertFalse(r.passed(), style.toString());
            List<CheckResult> z = failed(r).stream().filter(c -> c.check().equals("z.ref")).toList();
            assertEquals(Set.of(0, 1), z.stream().map(CheckResult::head).collect(Collectors.toSet()), style + ": " + z);
            assertEquals(Set.of("z.ref"), failedNames(r), style + ": the patterns themselves are right");
        }
    }

    @Test
    void wrongRopeThetaInConfigIsCaughtWhereTheToolAppliesRotary() {
        SynthSpec spec = SynthSpec.tiny().style(Style.FUSED_GQA).seed(7).configRopeTheta(500_000).build();
        InspectionResult r = InspectSyntheticTest.inspect(SynthFixtures.model("gqa-wrong-theta", spec));
        assertFalse(r.passed());
        assertTrue(failedNames(r).contains("rotary.k"), failedNames(r).toString());
        assertTrue(failedNames(r).contains("pattern.ref"), "Q rotated with the wrong θ gives a different pattern");
        CheckResult rot = failed(r).stream().filter(c -> c.check().equals("rotary.k")).findFirst().orElseThrow();
        assertEquals(0, rot.layer());
        assertTrue(rot.detail().contains("500000"), rot.detail());
    }

    @Test
    void wrongRopeThetaInConfigIsCaughtInDecomposedGraphsByRotatingTheirInput() {
        // A decomposed graph rotates Q and K itself, so the reference never needs config.json's θ
        // (pattern and z still agree). The rotary checks read Q and K before rotary and rotate them
        // with config.json's θ: that is where a wrong rope_theta shows.
        SynthSpec spec = SynthSpec.tiny().style(Style.DECOMPOSED).seed(7).configRopeTheta(500_000).build();
        InspectionResult r = InspectSyntheticTest.inspect(SynthFixtures.model("dec-wrong-theta", spec));
        assertFalse(r.passed());
        assertEquals(Set.of("rotary.q", "rotary.k"), failedNames(r));
        CheckResult q = failed(r).get(0);
        assertEquals(0, q.layer());
        assertTrue(q.detail().contains("rope_theta 500000"), q.detail());
    }

    @Test
    void wrongHeadCountInConfigFailsTheShapeChecks() {
        Path honest = SynthFixtures.model("tiny-dec", SynthFixtures.tiny(Style.DECOMPOSED));
        // 4 heads of 16 → config claims 8 heads (head_dim then 64/8 = 8 when not given explicitly).
        Path lying = SynthFixtures.withConfig(honest, "heads8",
                c -> c.replaceFirst("\"num_attention_heads\"\\s*:\\s*4", "\"num_attention_heads\": 8")
                        .replaceFirst(",\\s*\"head_dim\"\\s*:\\s*16", ""));
        InspectionResult r = InspectSyntheticTest.inspect(lying);
        assertFalse(r.passed());
        CheckResult q = failed(r).stream().filter(c -> c.check().equals("shape.q")).findFirst().orElseThrow();
        assertEquals(0, q.layer());
        assertTrue(q.detail().contains("expected (8, 8, 8)") && q.detail().contains("found (4, 8, 16)"), q.detail());
    }
}
