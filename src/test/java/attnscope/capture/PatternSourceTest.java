package attnscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import attnscope.onnx.AttentionSite;
import attnscope.onnx.AttentionSite.Tap;
import attnscope.onnx.HeadLayout;
import attnscope.onnx.HookEdits;
import attnscope.onnx.NativePatterns;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a layer's pattern comes from is said, never silently dropped: a refused native output says so and why. */
class PatternSourceTest {
    private static AttentionSite site(Optional<Tap> pattern) {
        Tap t = new Tap("x", HeadLayout.Split.identity());
        return new AttentionSite(0, "fused-gqa", "/layers.0/GroupQueryAttention", t, t, t, pattern, t, Optional.empty(),
                Optional.empty(), true, Double.NaN, true);
    }

    @Test
    void aRefusedNativeOutputMakesTheLayerReferenceOnlyAndSaysWhy() {
        NativePatterns.Plan plan = new NativePatterns.Plan(List.of(), HookEdits.NONE,
                Map.of(0, new NativePatterns.Output("GroupQueryAttention output_qk", "GroupQueryAttention /layers.0, output 3")));
        PatternSource refused = HookedModel.patternSource(site(Optional.of(new Tap("p", HeadLayout.Split.identity()))), plan,
                "type inference failed");
        assertFalse(refused.fromModel());
        assertEquals("reference only", refused.origin());
        assertTrue(refused.how().contains("refused") && refused.how().contains("type inference failed"), refused.how());

        PatternSource accepted = HookedModel.patternSource(site(Optional.of(new Tap("p", HeadLayout.Split.identity()))), plan, null);
        assertTrue(accepted.fromModel());
        assertEquals("GroupQueryAttention output_qk", accepted.kind());
    }

    @Test
    void aSiteWithoutAnyPatternIsReferenceOnly() {
        NativePatterns.Plan none = new NativePatterns.Plan(List.of(), HookEdits.NONE, Map.of());
        PatternSource s = HookedModel.patternSource(site(Optional.empty()), none, null);
        assertEquals("reference only", s.origin());
        assertTrue(s.how().contains("no output that returns its attention weights"), s.how());
    }

    @Test
    void theSourcesAreInLayerOrderSoTheSummaryIsTheSameEveryRun() {
        // Map.of / Map.copyOf iterate in an order salted per JVM run: the summary's "pattern" line and
        // summary.json named a different layer from one run to the next. A result keeps layer order.
        Map<Integer, PatternSource> sources = new java.util.HashMap<>();
        for (int layer = 23; layer >= 0; layer--) {
            sources.put(layer * 37 % 24, new PatternSource(true, "Softmax", "layer " + layer));
        }
        attnscope.inspect.InspectionResult r = new attnscope.inspect.InspectionResult(null, "decomposed", true, List.of(),
                new int[0], List.of(), null, null, List.of(), Map.copyOf(sources));
        assertEquals(java.util.stream.IntStream.range(0, 24).boxed().toList(), List.copyOf(r.patternSources().keySet()));
    }
}
